import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';

// Written straight to the socket: the request is still being read, so no reply can be sent yet.
const BODY = JSON.stringify(new ApiError('REQUEST_TIMEOUT').body);
const RESPONSE = `HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;

/**
 * A request whose body has not all arrived `timeoutMs` after its headers is answered 408 and its
 * connection closed, as Node does for slow headers: Node's own requestTimeout does not cover a
 * body that stops short of its Content-Length once the request has been handed to the app.
 */
export function registerBodyTimeout(app: FastifyInstance, timeoutMs: number): void {
  app.addHook('onRequest', (request, reply, done) => {
    const raw = request.raw;
    // Requests without a body are complete here; injected ones have no real socket to end.
    if (raw.complete || typeof raw.socket?.end !== 'function') return done();
    const timer = setTimeout(() => {
      if (!raw.complete && !raw.socket.destroyed) raw.socket.end(RESPONSE);
    }, timeoutMs);
    const clear = () => clearTimeout(timer);
    raw.once('end', clear).once('close', clear);
    reply.raw.once('finish', clear);
    done();
  });
}
