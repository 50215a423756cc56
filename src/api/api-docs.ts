import type { JsonObject, OpenApiDocument } from './openapi.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const operationId = (op: { operationId?: unknown }, method: string, path: string): string =>
  typeof op.operationId === 'string' ? op.operationId : `${method}-${path}`;
const esc = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
/** Inline `code` spans of descriptions; everything else stays escaped text. */
const prose = (value: unknown) =>
  esc(value ?? '')
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\n/g, '<br>');
const anchor = (text: string) => text.replace(/[^A-Za-z0-9_-]+/g, '-');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** A schema in a few words: `V2TestRun`, `array of V2StepRun`, `string | null`, `one of: a, b`. */
function typeOf(schema: unknown): string {
  if (typeof schema !== 'object' || schema === null) return '';
  const s = schema as JsonObject;
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop() ?? '';
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  if (Array.isArray(s.oneOf)) return s.oneOf.map(typeOf).join(' or ');
  if (Array.isArray(s.enum)) return `one of: ${s.enum.map((v) => `<code>${esc(v === null ? 'null' : v)}</code>`).join(', ')}`;
  if ('const' in s) return `<code>${esc(JSON.stringify(s.const))}</code>`;
  const types = Array.isArray(s.type) ? s.type.map(String) : typeof s.type === 'string' ? [s.type] : [];
  const parts = types.map((t) => (t === 'array' ? `array of ${typeOf(s.items) || 'items'}` : t));
  let text = parts.join(' | ') || 'any';
  if (typeof s.format === 'string') text += ` (${esc(s.format)})`;
  if (s.nullable === true) text += ' | null';
  return text;
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function operation(path: string, method: string, op: JsonObject): string {
  const params = (Array.isArray(op.parameters) ? op.parameters : []) as JsonObject[];
  const body = (op.requestBody as { content?: Record<string, { schema: unknown }> } | undefined)?.content;
  const responses = Object.entries((op.responses ?? {}) as Record<string, { description?: string; content?: Record<string, { schema: unknown }> }>);
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  return `<section class="op" id="op-${anchor(operationId(op, method, path))}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p class="summary">${prose(op.summary ?? '')}${isPublic ? ' <span class="public">no token needed</span>' : ''}</p>
${op.description && op.description !== op.summary ? `<p>${prose(op.description)}</p>` : ''}
${
  params.length
    ? `<h4>Parameters</h4>${table(
        ['name', 'in', 'type', 'description'],
        params.map((p) => [`<code>${esc(p.name)}</code>${p.required ? ' *' : ''}`, esc(p.in), typeOf(p.schema), prose(p.description ?? '')]),
      )}`
    : ''
}
${
  body
    ? `<h4>Request body</h4>${table(
        ['media type', 'schema'],
        Object.entries(body).map(([media, c]) => [esc(media), typeOf(c.schema)]),
      )}`
    : ''
}
<h4>Responses</h4>${table(
    ['status', 'description', 'body'],
    responses.map(([status, r]) => [
      `<code>${esc(status)}</code>`,
      prose(r.description ?? ''),
      Object.entries(r.content ?? {})
        .map(([media, c]) => `${typeOf(c.schema)} <small>${esc(media)}</small>`)
        .join('<br>'),
    ]),
  )}
</section>`;
}

function schemaSection(name: string, schema: JsonObject): string {
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const props = Object.entries((schema.properties ?? {}) as Record<string, JsonObject>);
  return `<section class="schema" id="schema-${anchor(name)}"><h3>${esc(name)}</h3>
${schema.description ? `<p>${prose(schema.description)}</p>` : ''}
${
  props.length
    ? table(
        ['property', 'type', 'description'],
        props.map(([p, s]) => [`<code>${esc(p)}</code>${required.has(p) ? ' *' : ''}`, typeOf(s), prose(s.description ?? '')]),
      )
    : `<p>${typeOf(schema)}</p>`
}
</section>`;
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:24px}
h1{margin:0 0 4px}h2{margin-top:40px;border-bottom:1px solid #d8dce3}h3{margin:0 0 6px;font-size:17px}h4{margin:14px 0 4px;font-size:14px}
section{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:14px 18px;margin:12px 0}
table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eceef2;vertical-align:top}
code{font:13px ui-monospace,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px}.method{display:inline-block;min-width:52px;text-align:center;color:#fff;border-radius:4px;padding:1px 6px;font-size:13px}
.get{background:#2f6fd6}.post{background:#1f9d55}.put,.patch{background:#b7791f}.delete{background:#c53030}.public{font-size:12px;background:#e6f4ea;color:#1e6b3a;border-radius:10px;padding:1px 8px}
nav ul{columns:2;padding-left:18px}a{color:#2455a4}`;

/** The API reference page at `/docs`, rendered from the OpenAPI document itself (no CDN, no script). */
export function renderApiDocs(doc: OpenApiDocument): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const tag = Array.isArray(op.tags) && typeof op.tags[0] === 'string' ? op.tags[0] : 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, op)]);
      toc.set(tag, [...(toc.get(tag) ?? []), `<li><a href="#op-${anchor(operationId(op, method, path))}">${esc(method.toUpperCase())} ${esc(path)}</a></li>`]);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} reference</title><style>${STYLE}</style></head><body><main>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${prose(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/api/v2/schema/"><code>GET /api/v2/schema/</code></a> (OpenAPI ${esc(doc.openapi)}) · YAML v1 schema: <a href="/api/v2/schema/yaml/v1/"><code>GET /api/v2/schema/yaml/v1/</code></a> · <a href="/">Web UI</a></p>
<nav>${[...toc].map(([tag, items]) => `<h4>${esc(tag)}</h4><ul>${items.join('')}</ul>`).join('')}</nav>
${[...byTag].map(([tag, ops]) => `<h2>${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
<h2>Schemas</h2>
${Object.entries(doc.components.schemas)
  .map(([name, s]) => schemaSection(name, s))
  .join('\n')}
</main></body></html>`;
}
