export { checkBodyTemplate, renderBodyTemplate, type BodyRendering } from './body-template.js';
export { DEFAULT_DELIVERY_TIMEOUT_MS, deliver, type DeliveryRequest } from './deliver.js';
export { EmailError, createEmailSender, type EmailSender, type OutgoingEmail } from './email.js';
export { type DeliveryAttempt } from './http-request.js';
export { defaultWebhookBody, emailMessage, slackMessage, teamsMessage, type EmailMessage } from './messages.js';
export { newWebhookSecret, signatureHeader, verifySignature } from './signature.js';
export { AlertDispatcher, type AlertDispatcherOptions } from './dispatcher.js';
export { alertMatches } from './matching.js';
export { type RunLinks } from './run-payload.js';
