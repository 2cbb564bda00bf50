import { expect } from 'chai';
import { createHmac, createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from './support/eventually.js';
import { GraphPeer } from './support/graph-peer/peer.js';
import { examples } from './support/graph-peer/request-validation.js';
import type { PhoneNumber } from './support/graph-peer/state.js';

type Json = Record<string, unknown>;

/** A business's webhook endpoint: answers Meta's verification and records deliveries. */
class Callback {
  readonly posts: Array<{ headers: http.IncomingHttpHeaders; raw: string; body: Json; status: number }> = [];
  statuses: number[] = [];
  private readonly server: http.Server;

  private constructor(readonly verifyToken: string) {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        if (req.method === 'GET') {
          const fits = url.searchParams.get('hub.mode') === 'subscribe' && url.searchParams.get('hub.verify_token') === this.verifyToken;
          res.writeHead(fits ? 200 : 403).end(fits ? url.searchParams.get('hub.challenge') : 'Forbidden');
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const status = this.statuses.shift() ?? 200;
        this.posts.push({ headers: req.headers, raw, body: JSON.parse(raw) as Json, status });
        res.writeHead(status).end();
      });
    });
  }

  static async start(verifyToken = 'verify-me'): Promise<Callback> {
    const callback = new Callback(verifyToken);
    await new Promise<void>((resolve) => callback.server.listen(0, '127.0.0.1', resolve));
    return callback;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The structure of a JSON value: keys and value types, arrays by their first item. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, shape(v)]));
  }
  return typeof value;
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4a00000000049454e44ae426082', 'hex');

describe('Graph API peer (WhatsApp Cloud API)', () => {
  let peer: GraphPeer;
  let phone: PhoneNumber;
  let token: string;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${peer.graphUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const send = (body: unknown) => call('POST', `/${phone.id}/messages`, body);
  const json = async (response: Response) => (await response.json()) as Json;
  const errorOf = async (response: Response) => (await json(response)).error as Json;

  async function upload(bytes: Buffer, type: string, filename = 'file.bin'): Promise<Response> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', type);
    form.set('file', new Blob([bytes], { type }), filename);
    return fetch(`${peer.graphUrl}/${phone.id}/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  }
  async function uploadedId(bytes = PNG, type = 'image/png'): Promise<string> {
    const response = await upload(bytes, type, 'pixel.png');
    expect(response.status).to.equal(200);
    return String((await json(response)).id);
  }

  /** An approved template the documented send fits: a placeholder per body parameter, the header's format. */
  function templateFor(sent: Json): void {
    const components = (sent.components ?? []) as Json[];
    const of = (type: string) => components.find((c) => c.type === type);
    const placeholders = ((of('body')?.parameters ?? []) as unknown[]).map((_, i) => `{{${i + 1}}}`).join(' ');
    const header = of('header');
    const buttons = components.filter((c) => c.type === 'button').map(() => ({ type: 'QUICK_REPLY', text: 'Reply' }));
    const language = String((sent.language as Json).code);
    const old = peer.state.templates.findIndex((t) => t.name === sent.name && t.language === language);
    if (old >= 0) peer.state.templates.splice(old, 1);
    peer.addTemplate(phone.wabaId, {
      name: String(sent.name),
      language,
      components: [
        ...(header ? [{ type: 'HEADER', format: String(((header.parameters as Json[])[0]).type).toUpperCase() }] : []),
        { type: 'BODY', text: `Hello ${placeholders}` },
        ...(buttons.length > 0 ? [{ type: 'BUTTONS', buttons }] : []),
      ],
    });
  }

  beforeEach(async () => {
    peer = await GraphPeer.start({ version: 'v23.0' });
    phone = peer.addPhoneNumber({ display_phone_number: '+1 555-010-0100', verified_name: 'Acme' });
    token = peer.addToken();
  });

  afterEach(async () => {
    await peer.stop();
  });

  describe('POST /{phone-number-id}/messages', () => {
    it('accepts each kind of message and answers with the recipient and a wamid', async () => {
      const imageId = await uploadedId();
      const to = '+55 11 98765-4321';
      const kinds: Json[] = [
        { type: 'text', text: { body: 'Hello', preview_url: false } },
        { type: 'text', text: { body: 'In reply' }, context: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA==' } },
        { type: 'image', image: { id: imageId, caption: 'A pixel' } },
        { type: 'image', image: { link: 'https://example.com/a.png' } },
        { type: 'video', video: { link: 'https://example.com/a.mp4', caption: 'Clip' } },
        { type: 'audio', audio: { link: 'https://example.com/a.ogg' } },
        { type: 'document', document: { link: 'https://example.com/a.pdf', filename: 'a.pdf', caption: 'Invoice' } },
        { type: 'sticker', sticker: { link: 'https://example.com/a.webp' } },
        { type: 'location', location: { latitude: -23.55, longitude: -46.63, name: 'Praça', address: 'Centro' } },
        { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Lima', first_name: 'Ana' }, phones: [{ phone: '+55 11 91234-5678', type: 'WORK', wa_id: '5511912345678' }] }] },
        { type: 'reaction', reaction: { message_id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgARGA==', emoji: '👍' } },
        { type: 'interactive', interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } } },
        {
          type: 'interactive',
          interactive: {
            type: 'list',
            header: { type: 'text', text: 'Menu' },
            body: { text: 'Choose' },
            footer: { text: 'Thanks' },
            action: { button: 'Options', sections: [{ title: 'Main', rows: [{ id: 'r1', title: 'First', description: 'The first' }] }] },
          },
        },
        { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Visit us' }, action: { name: 'cta_url', parameters: { display_text: 'Open', url: 'https://example.com' } } } },
        { type: 'interactive', interactive: { type: 'button', header: { type: 'image', image: { link: 'https://example.com/menu.png' } }, body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } } },
        { type: 'interactive', interactive: { type: 'button', header: { type: 'image', image: { id: imageId } }, body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }] } } },
      ];
      for (const kind of kinds) {
        const response = await send({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...kind });
        const body = await json(response);
        expect(response.status, JSON.stringify({ kind, body })).to.equal(200);
        expect(body.messaging_product).to.equal('whatsapp');
        expect(body.contacts).to.deep.equal([{ input: to, wa_id: '5511987654321' }]);
        const [message] = body.messages as Json[];
        // Meta's ids hold the recipient's number after a length byte: `HBgN` for 13 digits.
        expect(message.id).to.match(/^wamid\.HBgN[A-Za-z0-9+/]+=*$/);
        expect(Buffer.from(String(message.id).slice(6), 'base64').toString('latin1')).to.contain('5511987654321');
      }
      const sent = peer.sent(phone.id);
      expect(sent.map((m) => m.type)).to.deep.equal(kinds.map((k) => k.type));
      expect(new Set(sent.map((m) => m.id)).size).to.equal(kinds.length);
      expect(sent.every((m) => m.waId === '5511987654321')).to.equal(true);
    });

    it('sends an approved template with its parameters, and says the template message was accepted', async () => {
      peer.addTemplate(phone.wabaId, {
        name: 'order_update',
        language: 'pt_BR',
        components: [{ type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}' }, { type: 'BODY', text: 'Olá {{1}}, seu pedido {{2}} saiu.' }],
      });
      const response = await send({
        messaging_product: 'whatsapp',
        to: '5511987654321',
        type: 'template',
        template: {
          name: 'order_update',
          language: { code: 'pt_BR' },
          components: [
            { type: 'header', parameters: [{ type: 'text', text: '42' }] },
            { type: 'BODY', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '42' }] },
          ],
        },
      });
      const body = await json(response);
      expect(response.status, JSON.stringify(body)).to.equal(200);
      expect((body.messages as Json[])[0]).to.have.property('message_status', 'accepted');
    });

    it("accepts Meta's own documented examples of every kind it serves", async () => {
      const mediaId = await uploadedId();
      for (const [name, example] of Object.entries(examples.send_message)) {
        if ('status' in example) continue;
        if ('template' in example) templateFor(example.template as Json);
        const text = JSON.stringify(example)
          .replaceAll('{{Recipient-Phone-Number}}', '16505551234')
          .replace(/<[A-Z_]*OBJECT_ID>/g, mediaId)
          .replace(/"<?http\(s\):\/\/[^"]*"/g, '"https://example.com/file"');
        const response = await send(text);
        expect(response.status, `${name}: ${JSON.stringify(await response.clone().json())}`).to.equal(200);
      }
    });

    it("refuses malformed sends with Meta's codes", async () => {
      const imageId = await uploadedId();
      const base = { messaging_product: 'whatsapp', to: '5511987654321' };
      const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `b${i}`, title: `B${i}` } }));
      const cases: Array<[string, unknown, number]> = [
        ['no messaging_product', { to: '5511987654321', type: 'text', text: { body: 'x' } }, 100],
        ['another product', { ...base, messaging_product: 'sms', type: 'text', text: { body: 'x' } }, 100],
        ['unknown type', { ...base, type: 'hologram', hologram: {} }, 100],
        ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 100],
        ['recipient not a number', { ...base, to: 'maria', type: 'text', text: { body: 'x' } }, 131009],
        ['text without body', { ...base, type: 'text', text: { preview_url: true } }, 100],
        ['text body not a string', { ...base, type: 'text', text: { body: 42 } }, 100],
        ['text body too long', { ...base, type: 'text', text: { body: 'x'.repeat(4097) } }, 131009],
        ['image without id or link', { ...base, type: 'image', image: { caption: 'x' } }, 100],
        ['image with both id and link', { ...base, type: 'image', image: { id: imageId, link: 'https://example.com/a.png' } }, 131009],
        ['image link not a URL', { ...base, type: 'image', image: { link: 'not a url' } }, 131009],
        ['image id never uploaded', { ...base, type: 'image', image: { id: '1234567890' } }, 131009],
        ['audio with a caption', { ...base, type: 'audio', audio: { link: 'https://example.com/a.ogg', caption: 'x' } }, 100],
        ['image with a filename', { ...base, type: 'image', image: { link: 'https://example.com/a.png', filename: 'a.png' } }, 100],
        ['location without latitude', { ...base, type: 'location', location: { longitude: 1 } }, 100],
        ['location out of range', { ...base, type: 'location', location: { latitude: 91, longitude: 1 } }, 131009],
        ['reaction without message_id', { ...base, type: 'reaction', reaction: { emoji: '👍' } }, 100],
        ['no contacts', { ...base, type: 'contacts', contacts: [] }, 131009],
        ['contact without a name', { ...base, type: 'contacts', contacts: [{ phones: [{ phone: '1' }] }] }, 100],
        ['buttons without a body', { ...base, type: 'interactive', interactive: { type: 'button', action: { buttons: buttons(1) } } }, 100],
        ['four reply buttons', { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: buttons(4) } } }, 131009],
        ['button title too long', { ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }, 131009],
        ['list row without title', { ...base, type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { button: 'Go', sections: [{ title: 'S', rows: [{ id: 'r' }] }] } } }, 100],
        ['list with buttons', { ...base, type: 'interactive', interactive: { type: 'list', body: { text: 'x' }, action: { buttons: buttons(1) } } }, 100],
        ['image header without its image', { ...base, type: 'interactive', interactive: { type: 'button', header: { type: 'image' }, body: { text: 'x' }, action: { buttons: buttons(1) } } }, 100],
        ['image header id never uploaded', { ...base, type: 'interactive', interactive: { type: 'button', header: { type: 'image', image: { id: '1234567890' } }, body: { text: 'x' }, action: { buttons: buttons(1) } } }, 131009],
        ['cta_url without url', { ...base, type: 'interactive', interactive: { type: 'cta_url', body: { text: 'x' }, action: { name: 'cta_url', parameters: { display_text: 'Open' } } } }, 100],
        ['template without language', { ...base, type: 'template', template: { name: 'hello_world' } }, 100],
      ];
      for (const [name, body, code] of cases) {
        const response = await send(body);
        const error = await errorOf(response);
        expect({ name, status: response.status, code: error.code }).to.deep.equal({ name, status: 400, code });
        expect(error.type).to.equal('OAuthException');
        expect(error.message).to.be.a('string').and.match(/^\(#\d+\)/);
        expect(error.fbtrace_id).to.be.a('string');
        if (code !== 100) expect(error.error_data).to.have.keys(['messaging_product', 'details']);
      }
      // Graph names the missing parameter in its message, the Cloud API a bad value in its details.
      const noBody = await errorOf(await send({ ...base, type: 'text', text: {} }));
      expect(noBody.message).to.equal("(#100) The parameter text['body'] is required.");
      const tooMany = await errorOf(await send({ ...base, type: 'interactive', interactive: { type: 'button', body: { text: 'x' }, action: { buttons: buttons(4) } } }));
      expect((tooMany.error_data as Json).details).to.contain("interactive['action']['buttons']");
      const notJson = await send('{"messaging_product": "whatsapp",');
      expect(notJson.status).to.equal(400);
      expect((await errorOf(notJson)).code).to.equal(100);
      expect(peer.sent()).to.have.length(0);
    });

    it('refuses a template that does not exist in the language, or sent without the parameters it needs', async () => {
      peer.addTemplate(phone.wabaId, { name: 'greeting', language: 'en_US', components: [{ type: 'BODY', text: 'Hi {{1}}' }] });
      peer.addTemplate(phone.wabaId, { name: 'pending_one', language: 'en_US', status: 'PENDING', components: [{ type: 'BODY', text: 'Hi' }] });
      const template = (name: string, code: string, parameters: unknown[]) => ({
        messaging_product: 'whatsapp',
        to: '16505551234',
        type: 'template',
        template: { name, language: { code }, components: [{ type: 'body', parameters }] },
      });
      const one = [{ type: 'text', text: 'Ana' }];
      for (const [name, code] of [['nope', 'en_US'], ['greeting', 'pt_BR'], ['pending_one', 'en_US']]) {
        const response = await send(template(name, code, name === 'greeting' ? one : []));
        const error = await errorOf(response);
        expect({ status: response.status, code: error.code }).to.deep.equal({ status: 404, code: 132001 });
      }
      const tooMany = await send(template('greeting', 'en_US', [...one, ...one]));
      expect({ status: tooMany.status, code: (await errorOf(tooMany)).code }).to.deep.equal({ status: 400, code: 132000 });
      expect((await send(template('greeting', 'en_US', one))).status).to.equal(200);

      peer.addTemplate(phone.wabaId, {
        name: 'receipt',
        language: 'en_US',
        components: [{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Your receipt' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://acme.test/t/{{1}}' }] }],
      });
      const receipt = (components: Json[]) => ({ messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name: 'receipt', language: { code: 'en_US' }, components } });
      const header = { type: 'header', parameters: [{ type: 'document', document: { link: 'https://acme.test/r.pdf', filename: 'r.pdf' } }] };
      const button = { type: 'button', sub_type: 'url', index: 0, parameters: [{ type: 'text', text: 'X42' }] };
      const noHeader = await errorOf(await send(receipt([button])));
      expect(noHeader).to.include({ code: 132012 });
      expect((noHeader.error_data as Json).details).to.equal('header: Format mismatch, expected DOCUMENT, received UNKNOWN');
      const noButton = await errorOf(await send(receipt([header])));
      expect(noButton).to.include({ code: 131008 });
      expect((noButton.error_data as Json).details).to.equal('buttons: Button at index 0 of type Url requires a parameter');
      expect((await send(receipt([header, button]))).status).to.equal(200);
    });

    it('marks a received message as read, and refuses a message id the number never received', async () => {
      const callback = await Callback.start();
      try {
        await peer.subscribe(callback.url, callback.verifyToken);
        const { id } = peer.deliverMessage(phone.id, { from: '16505551234', name: 'Sheena', type: 'text', text: 'Hi' });
        const example = examples.send_message['Send typing indicator and read receipt'];
        const read = await send({ ...example, message_id: id });
        expect(read.status).to.equal(200);
        expect(await json(read)).to.deep.equal({ success: true });
        const unknown = await send({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.unknown' });
        expect({ status: unknown.status, code: (await errorOf(unknown)).code }).to.deep.equal({ status: 400, code: 100 });
        const badStatus = await send({ messaging_product: 'whatsapp', status: 'seen', message_id: id });
        expect((await errorOf(badStatus)).code).to.equal(131009);
        expect(peer.sent()).to.have.length(0);
      } finally {
        await callback.stop();
      }
    });
  });

  describe('access tokens and ids', () => {
    it('answers 401 with code 190 to a missing, unknown or revoked token', async () => {
      const text = { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'x' } };
      const missing = await fetch(`${peer.graphUrl}/${phone.id}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(text) });
      const wrong = await call('POST', `/${phone.id}/messages`, text, { authorization: 'Bearer EAAGnope' });
      const revokedToken = peer.addToken();
      peer.revokeToken(revokedToken);
      const revoked = await call('GET', `/${phone.id}`, undefined, { authorization: `Bearer ${revokedToken}` });
      for (const response of [missing, wrong, revoked]) {
        expect(response.status).to.equal(401);
        const error = await errorOf(response);
        expect(error).to.include({ code: 190, type: 'OAuthException' });
      }
      expect(peer.sent()).to.have.length(0);
    });

    it('takes the token from the access_token query parameter too', async () => {
      const response = await fetch(`${peer.graphUrl}/${phone.id}?access_token=${encodeURIComponent(token)}`);
      expect(response.status).to.equal(200);
    });

    it('answers code 100 subcode 33 to an id that is no object of the account', async () => {
      const response = await call('POST', '/999999999999999/messages', { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'x' } });
      expect(response.status).to.equal(400);
      expect(await errorOf(response)).to.include({ code: 100, error_subcode: 33 });
      const edge = await call('POST', `/${phone.id}/faxes`, {});
      expect({ status: edge.status, code: (await errorOf(edge)).code }).to.deep.equal({ status: 400, code: 2500 });
    });
  });

  describe('media', () => {
    it('uploads, describes, serves the bytes only with the token, and deletes', async () => {
      const id = await uploadedId();
      expect(id).to.match(/^\d+$/);
      const described = await call('GET', `/${id}`);
      const info = await json(described);
      expect(info).to.include({ messaging_product: 'whatsapp', mime_type: 'image/png', sha256: createHash('sha256').update(PNG).digest('hex'), file_size: PNG.length, id });
      const other = peer.addPhoneNumber();
      expect(await errorOf(await call('GET', `/${id}?phone_number_id=${other.id}`))).to.include({ code: 100, error_subcode: 33 });
      expect((await call('GET', `/${id}?phone_number_id=${phone.id}`)).status).to.equal(200);
      const url = String(info.url);
      expect((await fetch(url)).status).to.equal(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer EAAGnope' } })).status).to.equal(401);
      const download = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(download.status).to.equal(200);
      expect(download.headers.get('content-type')).to.equal('image/png');
      expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).to.equal(true);
      const deleted = await call('DELETE', `/${id}`);
      expect(await json(deleted)).to.deep.equal({ success: true });
      const gone = await call('GET', `/${id}`);
      expect(await errorOf(gone)).to.include({ code: 100, error_subcode: 33 });
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(404);
    });

    it("refuses uploads without a file, without a type, of a type WhatsApp does not take, or over the type's size", async () => {
      const form = (fields: Record<string, string | Blob>) => {
        const f = new FormData();
        for (const [k, v] of Object.entries(fields)) f.set(k, v);
        return fetch(`${peer.graphUrl}/${phone.id}/media`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: f });
      };
      const png = new Blob([PNG], { type: 'image/png' });
      const noFile = await form({ messaging_product: 'whatsapp', type: 'image/png' });
      expect(await errorOf(noFile)).to.include({ code: 100, message: '(#100) The parameter file is required.' });
      const noType = await form({ messaging_product: 'whatsapp', file: png });
      expect(await errorOf(noType)).to.include({ code: 100, message: '(#100) The parameter type is required.' });
      const noProduct = await form({ type: 'image/png', file: png });
      expect((await errorOf(noProduct)).code).to.equal(100);
      const gif = await upload(Buffer.from('GIF89a'), 'image/gif');
      expect({ status: gif.status, code: (await errorOf(gif)).code }).to.deep.equal({ status: 400, code: 131053 });
      const big = await upload(Buffer.alloc(5 * 1024 * 1024 + 1), 'image/jpeg');
      expect((await errorOf(big)).code).to.equal(131053);
      expect(peer.state.media.size).to.equal(0);
    });
  });

  describe('phone numbers and business profiles', () => {
    it('shows a phone number with its default fields, or the fields asked for', async () => {
      expect(await json(await call('GET', `/${phone.id}`))).to.deep.equal({ id: phone.id, display_phone_number: '+1 555-010-0100', verified_name: 'Acme', quality_rating: 'GREEN' });
      expect(await json(await call('GET', `/${phone.id}?fields=verified_name,name_status`))).to.deep.equal({ verified_name: 'Acme', name_status: 'APPROVED', id: phone.id });
      const unknown = await call('GET', `/${phone.id}?fields=favourite_colour`);
      expect(await errorOf(unknown)).to.include({ code: 100 });
      const listed = await json(await call('GET', `/${phone.wabaId}/phone_numbers`));
      expect((listed.data as Json[]).map((p) => p.id)).to.deep.equal([phone.id]);
    });

    it('reads and updates the business profile, refusing what the profile cannot hold', async () => {
      const update = { messaging_product: 'whatsapp', about: 'Open 9-18', description: 'Fresh bread', email: 'hi@acme.test', websites: ['https://acme.test'], vertical: 'RETAIL', address: 'Main St 1' };
      const updated = await call('POST', `/${phone.id}/whatsapp_business_profile`, update);
      expect(await json(updated)).to.deep.equal({ success: true });
      const read = await json(await call('GET', `/${phone.id}/whatsapp_business_profile?fields=about,email,websites,vertical`));
      expect(read).to.deep.equal({ data: [{ about: 'Open 9-18', email: 'hi@acme.test', websites: ['https://acme.test'], vertical: 'RETAIL' }] });
      const bad: Json[] = [
        { about: 'x' },
        { messaging_product: 'whatsapp', vertical: 'SPACESHIPS' },
        { messaging_product: 'whatsapp', email: 'not an email' },
        { messaging_product: 'whatsapp', about: 'x'.repeat(140) },
        { messaging_product: 'whatsapp', websites: ['https://a.test', 'https://b.test', 'https://c.test'] },
        { messaging_product: 'whatsapp', colour: 'blue' },
      ];
      for (const body of bad) {
        const response = await call('POST', `/${phone.id}/whatsapp_business_profile`, body);
        expect(response.status, JSON.stringify(body)).to.equal(400);
        expect((await errorOf(response)).code, JSON.stringify(body)).to.equal(100);
      }
      const after = await json(await call('GET', `/${phone.id}/whatsapp_business_profile?fields=about`));
      expect(after).to.deep.equal({ data: [{ about: 'Open 9-18' }] });
    });
  });

  describe('message templates', () => {
    const seasonal = () => examples.template_create['Create template w/ text header, text body, text footer, and 2 quick reply buttons'];

    it('creates templates as Meta documents them, lists them with paging and finds them by name', async () => {
      for (const [name, example] of Object.entries(examples.template_create)) {
        const body = JSON.parse(JSON.stringify(example).replaceAll('<TEMPLATE_NAME>', 'flow_offer')) as Json;
        const response = await call('POST', `/${phone.wabaId}/message_templates`, body);
        const created = await json(response);
        expect(response.status, `${name}: ${JSON.stringify(created)}`).to.equal(200);
        expect(created).to.include({ status: 'APPROVED', category: body.category });
        expect(created.id).to.match(/^\d+$/);
      }
      const all = await json(await call('GET', `/${phone.wabaId}/message_templates`));
      expect((all.data as Json[]).map((t) => t.name)).to.have.members(['seasonal_promotion_text_only', 'order_delivery_update', 'order_confirmation', 'authentication_code_copy_code_button']);
      const first = await json(await call('GET', `/${phone.wabaId}/message_templates?limit=3`));
      expect(first.data).to.have.length(3);
      const paging = first.paging as { cursors: { after: string }; next: string };
      const rest = await json(await fetch(paging.next, { headers: { authorization: `Bearer ${token}` } }));
      expect(rest.data).to.have.length(1);
      expect(rest.paging).to.not.have.property('next');
      const byName = await json(await call('GET', `/${phone.wabaId}/message_templates?name=order_confirmation`));
      expect((byName.data as Json[]).map((t) => t.name)).to.deep.equal(['order_confirmation']);
      const found = (byName.data as Json[])[0];
      expect(found).to.include({ language: 'en_US', status: 'APPROVED', category: 'UTILITY' });
      expect(await json(await call('GET', `/${String(found.id)}`))).to.deep.equal(found);
      expect(await json(await call('DELETE', `/${phone.wabaId}/message_templates?name=order_confirmation`))).to.deep.equal({ success: true });
      const afterDelete = await json(await call('GET', `/${phone.wabaId}/message_templates?name=order_confirmation`));
      expect(afterDelete.data).to.deep.equal([]);
    });

    it('refuses a template Meta would not take, and a second one of the same name and language', async () => {
      const good = seasonal() as Json;
      const components = good.components as Json[];
      const cases: Json[] = [
        { ...good, name: 'Seasonal Promo' },
        { ...good, category: 'SPAM' },
        { ...good, components: components.filter((c) => c.type !== 'BODY') },
        { ...good, components: [{ type: 'HEADER', format: 'TEXT', text: 'x'.repeat(61) }, ...components.slice(1)] },
        { ...good, components: [...components.slice(0, 3), { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'x'.repeat(26) }] }] },
        { name: 'no_components', language: 'en_US', category: 'UTILITY' },
      ];
      for (const body of cases) {
        const response = await call('POST', `/${phone.wabaId}/message_templates`, body);
        expect(response.status, JSON.stringify(body)).to.equal(400);
      }
      expect((await call('POST', `/${phone.wabaId}/message_templates`, good)).status).to.equal(200);
      const again = await call('POST', `/${phone.wabaId}/message_templates`, good);
      expect(await errorOf(again)).to.include({ code: 100, error_subcode: 2388024 });
    });

    it('keeps a template PENDING under manual review until it is approved, with the status webhook', async () => {
      await peer.stop();
      peer = await GraphPeer.start({ templateReview: 'manual' });
      phone = peer.addPhoneNumber();
      token = peer.addToken();
      const callback = await Callback.start();
      try {
        await peer.subscribe(callback.url, callback.verifyToken);
        const created = await json(await call('POST', `/${phone.wabaId}/message_templates`, seasonal()));
        expect(created.status).to.equal('PENDING');
        const payload = { messaging_product: 'whatsapp', to: '16505551234', type: 'template', template: { name: 'seasonal_promotion_text_only', language: { code: 'en' }, components: [{ type: 'header', parameters: [{ type: 'text', text: 'Sale' }] }, { type: 'body', parameters: [1, 2, 3].map((n) => ({ type: 'text', text: String(n) })) }] } };
        expect((await errorOf(await send(payload))).code).to.equal(132001);
        const delivery = peer.setTemplateStatus(String(created.id), 'APPROVED');
        await delivery?.done;
        const change = ((callback.posts[0].body.entry as Json[])[0].changes as Json[])[0];
        expect(change.field).to.equal('message_template_status_update');
        expect(change.value).to.include({ event: 'APPROVED', message_template_name: 'seasonal_promotion_text_only', message_template_language: 'en' });
        expect((await send(payload)).status).to.equal(200);
      } finally {
        await callback.stop();
      }
    });
  });

  describe('rate limits', () => {
    const text = { messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'x' } };

    it('refuses the next n sends with code 130429, then sends again; counts requests per path', async () => {
      peer.rateLimit(2);
      const answers = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await send(text);
        answers.push({ status: response.status, code: response.ok ? null : (await errorOf(response)).code });
      }
      expect(answers).to.deep.equal([{ status: 400, code: 130429 }, { status: 400, code: 130429 }, { status: 200, code: null }]);
      expect(peer.count(`/v23.0/${phone.id}/messages`)).to.equal(3);
      expect(peer.count(`/v23.0/${phone.id}/messages`, 'GET')).to.equal(0);
      expect(peer.sent()).to.have.length(1);
    });

    it('answers the pair rate limit with 131056 and the application limit with code 4 on any call', async () => {
      peer.rateLimit(1, 'pair');
      const pair = await send(text);
      expect(await errorOf(pair)).to.include({ code: 131056, is_transient: true });
      peer.rateLimit(1, 'application');
      const app = await call('GET', `/${phone.id}`);
      expect({ status: app.status, code: (await errorOf(app)).code }).to.deep.equal({ status: 400, code: 4 });
      expect((await call('GET', `/${phone.id}`)).status).to.equal(200);
    });
  });

  describe('webhooks', () => {
    let callback: Callback;
    const APP_SECRET = 'app-secret-123';

    beforeEach(async () => {
      await peer.stop();
      peer = await GraphPeer.start({ appSecret: APP_SECRET, retry: { attempts: 3, firstDelayMs: 20 } });
      phone = peer.addPhoneNumber({ display_phone_number: '+1 555-078-3881' });
      token = peer.addToken();
      callback = await Callback.start();
    });

    afterEach(async () => {
      await callback.stop();
    });

    const valueOf = (body: Json) => ((body.entry as Json[])[0].changes as Json[])[0].value as Json;

    it('verifies the callback with the hub.challenge handshake, and keeps only a callback that echoes it', async () => {
      expect(() => peer.deliverMessage(phone.id, { from: '16505551234', type: 'text', text: 'x' })).to.throw(/subscribe/);
      const refused = await peer.subscribe(callback.url, 'wrong-token');
      expect(refused).to.include({ ok: false, status: 403 });
      expect(() => peer.deliverMessage(phone.id, { from: '16505551234', type: 'text', text: 'x' })).to.throw(/subscribe/);
      const accepted = await peer.subscribe(callback.url, callback.verifyToken);
      expect(accepted.ok).to.equal(true);
      expect(accepted.answer).to.equal(accepted.challenge);
    });

    it('posts inbound messages signed with the app secret, shaped as Meta documents them', async () => {
      await peer.subscribe(callback.url, callback.verifyToken);
      const from = '16505551234';
      const sends: Array<[string, Parameters<GraphPeer['deliverMessage']>[1]]> = [
        ['Text Message', { from, name: 'Sheena Nelson', type: 'text', text: 'Does it come in another color?' }],
        ['Reaction Message', { from, name: 'Sheena Nelson', type: 'reaction', messageId: 'wamid.abc', emoji: '👍' }],
        ['Image Message', { from, name: 'Sheena Nelson', type: 'image', bytes: PNG, mimeType: 'image/png', caption: 'Taj Mahal' }],
        ['Location Message', { from, name: 'Sheena Nelson', type: 'location', location: { latitude: 37.44, longitude: -122.16, name: 'Philz Coffee', address: '101 Forest Ave', url: 'https://philzcoffee.com/' } }],
        ['Contact Sharing Message', { from, name: 'Sheena Nelson', type: 'contacts', contacts: [{ name: { first_name: 'Lucía', last_name: 'Gómez', formatted_name: 'Lucía Gómez' }, org: { company: 'Google' }, phones: [{ phone: '+1 (983) 555-2319', wa_id: '19835552319', type: 'MOBILE' }] }] }],
        ['Button Message', { from, name: 'Sheena Nelson', type: 'button', payload: 'Unsubscribe', text: 'Unsubscribe', context: { id: 'wamid.template' } }],
        ['Interactive List Reply Message', { from, name: 'Sheena Nelson', type: 'list_reply', id: 'priority_express', title: 'Priority Mail Express', description: 'Next Day to 2 Days', context: { id: 'wamid.list' } }],
        ['Interactive Button Reply Message', { from, name: 'Sheena Nelson', type: 'button_reply', id: 'cancel-button', title: 'Cancel', context: { id: 'wamid.buttons' } }],
      ];
      for (const [example, message] of sends) {
        const { delivery } = peer.deliverMessage(phone.id, message);
        await delivery.done;
        expect(delivery.delivered, example).to.equal(true);
        const post = callback.posts.at(-1)!;
        const expected = (examples.webhook as Record<string, Json>)[example];
        expect(shape(post.body), example).to.deep.equal(shape(expected));
        expect(post.headers['content-type']).to.equal('application/json');
        const signature = `sha256=${createHmac('sha256', APP_SECRET).update(post.raw).digest('hex')}`;
        expect(post.headers['x-hub-signature-256']).to.equal(signature);
        const value = valueOf(post.body);
        expect(value.metadata).to.deep.equal({ display_phone_number: '15550783881', phone_number_id: phone.id });
        expect((post.body.entry as Json[])[0].id).to.equal(phone.wabaId);
      }
    });

    it('serves the media of an inbound message to the token holder', async () => {
      await peer.subscribe(callback.url, callback.verifyToken);
      const { delivery, mediaId } = peer.deliverMessage(phone.id, { from: '16505551234', type: 'document', bytes: Buffer.from('%PDF-1.4'), mimeType: 'application/pdf', filename: 'a.pdf' });
      await delivery.done;
      const document = ((valueOf(callback.posts[0].body).messages as Json[])[0].document) as Json;
      expect(document).to.include({ id: mediaId, filename: 'a.pdf', mime_type: 'application/pdf', sha256: createHash('sha256').update('%PDF-1.4').digest('base64') });
      const info = await json(await call('GET', `/${mediaId}`));
      const bytes = await fetch(String(info.url), { headers: { authorization: `Bearer ${token}` } });
      expect(Buffer.from(await bytes.arrayBuffer()).toString()).to.equal('%PDF-1.4');
    });

    it('posts statuses, failures with their errors', async () => {
      await peer.subscribe(callback.url, callback.verifyToken);
      await peer.deliverStatus(phone.id, { id: 'wamid.out', status: 'delivered', recipient_id: '16505551234' }).done;
      await peer.deliverStatus(phone.id, { id: 'wamid.out2', status: 'failed', recipient_id: '16505551234', errors: [{ code: 131026, title: 'Message undeliverable' }] }).done;
      const [delivered, failed] = callback.posts.map((p) => (valueOf(p.body).statuses as Json[])[0]);
      expect(delivered).to.include({ id: 'wamid.out', status: 'delivered', recipient_id: '16505551234' });
      expect(delivered.timestamp).to.match(/^\d+$/);
      expect(delivered).to.have.keys(['id', 'status', 'timestamp', 'recipient_id', 'conversation', 'pricing']);
      expect(failed.errors).to.deep.equal([{ code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message undeliverable' }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }]);
    });

    it('retries a delivery the callback does not answer 200, a bounded number of times', async () => {
      await peer.subscribe(callback.url, callback.verifyToken);
      callback.statuses = [500, 503];
      const retried = peer.deliverMessage(phone.id, { from: '16505551234', type: 'text', text: 'again' }).delivery;
      await retried.done;
      expect(retried.attempts.map((a) => a.status)).to.deep.equal([500, 503, 200]);
      expect(retried.delivered).to.equal(true);
      expect(new Set(callback.posts.map((p) => p.raw)).size).to.equal(1);
      callback.statuses = [500, 500, 500, 500];
      const failed = peer.deliverMessage(phone.id, { from: '16505551234', type: 'text', text: 'lost' }).delivery;
      await failed.done;
      expect(failed.attempts.map((a) => a.status)).to.deep.equal([500, 500, 500]);
      expect(failed.delivered).to.equal(false);
      expect(failed.attempts[2].at - failed.attempts[1].at).to.be.at.least(35);
    });

    it('echoes sent, delivered and read for accepted sends when asked to', async () => {
      await peer.stop();
      peer = await GraphPeer.start({ autoStatuses: { delayMs: 10 } });
      phone = peer.addPhoneNumber();
      token = peer.addToken();
      await peer.subscribe(callback.url, callback.verifyToken);
      const response = await json(await send({ messaging_product: 'whatsapp', to: '16505551234', type: 'text', text: { body: 'hi' } }));
      const id = (response.messages as Json[])[0].id;
      await eventually(() => callback.posts.length === 3, 2000, 'three statuses');
      const statuses = callback.posts.map((p) => (valueOf(p.body).statuses as Json[])[0]);
      expect(statuses.map((s) => [s.id, s.status])).to.deep.equal([[id, 'sent'], [id, 'delivered'], [id, 'read']]);
      expect(callback.posts[0].headers).to.not.have.property('x-hub-signature-256');
    });
  });
});
