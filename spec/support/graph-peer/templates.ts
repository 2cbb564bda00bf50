// /{waba-id}/message_templates: create (checked against Meta's template rules) and list.
import { invalidParameter, parameterRequired, templateExists, unknownObject, type GraphReply } from './errors.js';
import { violation } from './request-validation.js';
import { isObject, ok, parseJson, type Incoming, type Json } from './request.js';
import { numericId, type GraphState, type Template, type TemplateStatus } from './state.js';

/** Meta reads component and button types in either case and stores them upper-cased. */
function normalized(body: Json): Json {
  if (!Array.isArray(body.components)) return body;
  const components = body.components.map((c: unknown) => {
    if (!isObject(c)) return c;
    const out: Json = { ...c };
    if (typeof c.type === 'string') out.type = c.type.toUpperCase();
    if (typeof c.format === 'string') out.format = c.format.toUpperCase();
    if (Array.isArray(c.buttons)) out.buttons = c.buttons.map((b: unknown) => (isObject(b) && typeof b.type === 'string' ? { ...b, type: b.type.toUpperCase() } : b));
    return out;
  });
  return { ...body, category: typeof body.category === 'string' ? body.category.toUpperCase() : body.category, components };
}

function createTemplate(state: GraphState, wabaId: string, raw: Json, status: TemplateStatus): GraphReply {
  const body = normalized(raw);
  const found = violation('template_create', body);
  // Template creation answers its refusals as (#100), whatever was wrong.
  if (found) return found.kind === 'missing' ? parameterRequired(found.details) : invalidParameter('Invalid parameter', found.details);
  const components = body.components as Json[];
  if (components.filter((c) => c.type === 'BODY').length !== 1) return invalidParameter('Invalid parameter', 'A template needs exactly one BODY component.');
  const name = String(body.name);
  const language = String(body.language);
  if (state.template(wabaId, name, language)) return templateExists(name, language);
  const template: Template = { id: numericId(15), wabaId, name, language, category: String(body.category), status, components };
  state.templates.push(template);
  return ok({ id: template.id, status: template.status, category: template.category });
}

export const templateView = (t: Template) => ({ name: t.name, components: t.components, language: t.language, status: t.status, category: t.category, id: t.id });

const cursor = (index: number) => Buffer.from(String(index)).toString('base64url');
const position = (value: string | null) => (value ? Number(Buffer.from(value, 'base64url').toString()) : NaN);

/** Graph's cursor paging: `limit` (default 25) and `after`. */
function listTemplates(state: GraphState, wabaId: string, query: URLSearchParams, selfUrl: string): GraphReply {
  const filters: Array<[string, (t: Template) => string]> = [['name', (t) => t.name], ['language', (t) => t.language], ['status', (t) => t.status], ['category', (t) => t.category]];
  let list = state.templates.filter((t) => t.wabaId === wabaId);
  for (const [key, field] of filters) {
    const wanted = query.get(key);
    if (wanted) list = list.filter((t) => (key === 'name' ? field(t).includes(wanted) : field(t) === wanted.toUpperCase() || field(t) === wanted));
  }
  const limit = Number(query.get('limit') ?? 25);
  if (!Number.isInteger(limit) || limit < 1) return invalidParameter('Param limit must be a positive integer');
  const after = query.get('after');
  const start = after ? position(after) + 1 : 0;
  if (Number.isNaN(start)) return invalidParameter('Invalid cursor');
  const page = list.slice(start, start + limit);
  const body: Json = { data: page.map(templateView) };
  if (page.length > 0) {
    const paging: Json = { cursors: { before: cursor(start), after: cursor(start + page.length - 1) } };
    if (start + page.length < list.length) {
      const next = new URL(selfUrl);
      next.searchParams.set('after', cursor(start + page.length - 1));
      paging.next = next.toString();
    }
    body.paging = paging;
  }
  return ok(body);
}

/** DELETE ?name= removes every language of a template (and ?hsm_id= just that one). */
function deleteTemplate(state: GraphState, wabaId: string, query: URLSearchParams): GraphReply {
  const name = query.get('name');
  if (!name) return parameterRequired('The parameter name is required.');
  const hsmId = query.get('hsm_id');
  const doomed = state.templates.filter((t) => t.wabaId === wabaId && t.name === name && (!hsmId || t.id === hsmId));
  if (doomed.length === 0) return invalidParameter('Invalid parameter', `Message template "${name}" does not exist.`);
  for (const t of doomed) state.templates.splice(state.templates.indexOf(t), 1);
  return ok({ success: true });
}

/** /{waba-id}/message_templates, by method; new templates get `status` (APPROVED or PENDING). */
export function templatesEdge(state: GraphState, wabaId: string, request: Incoming, status: TemplateStatus): GraphReply {
  if (request.method === 'GET') return listTemplates(state, wabaId, request.url.searchParams, request.url.toString());
  if (request.method === 'DELETE') return deleteTemplate(state, wabaId, request.url.searchParams);
  if (request.method !== 'POST') return unknownObject(wabaId, request.method);
  const body = parseJson(request.raw);
  if (!isObject(body)) return invalidParameter('Invalid parameter', 'The request body is not a JSON object.');
  return createTemplate(state, wabaId, body, status);
}
