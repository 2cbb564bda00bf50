// What the send benchmarks share: the texts, the HTTP load, and one timed run
// in which every sender (a gateway instance or an engine worker) sends the same
// texts to the same contact and the emulated phone must decrypt every one.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { ReceivedMessage, WaEmulator } from '../spec/support/whatsapp-emulator/index.js';
import { API_KEY } from '../spec/support/gateway-process.js';

export interface SendOutcome {
  failed: number;
  firstError: string | null;
}

/** One account that sends: `send` resolves once every send call has returned. */
export interface Sender {
  /** The owner's phone number: the emulator reports it as the sender. */
  owner: string;
  send(texts: string[]): Promise<SendOutcome>;
}

export interface RunResult {
  messages: number;
  /** From the first send to the later of the last answer and the last decryption by the phone. */
  seconds: number;
  perSecond: number;
  failed: number;
  /** Texts the phone did not get (failed sends included). */
  missing: number;
  firstError: string | null;
  /** Share of the run the bench process's main thread (emulator, HTTP client) was busy. */
  mainThreadBusy: number;
  /** CPU time the sending side used per message (NaN when not measured). */
  cpuMsPerMessage: number;
}

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** User + system CPU time of a process, or of one of its threads, from /proc (Linux). */
export function cpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
}

const DELIVERY_DEADLINE_MS = 30_000;

export const benchTexts = (count: number, label = 'bench message'): string[] => Array.from({ length: count }, (_, i) => `${label} ${i}`);

/** POSTs one sendText per text to `url` with `concurrency` requests in flight. */
export async function postTexts(url: string, number: string, texts: string[], concurrency: number): Promise<SendOutcome> {
  const agent = new Agent({ connections: concurrency });
  let next = 0;
  let failed = 0;
  let firstError: string | null = null;
  const lane = async () => {
    while (next < texts.length) {
      const text = texts[next++];
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', apikey: API_KEY },
        body: JSON.stringify({ number, text }),
      });
      const body = await response.body.text();
      if (response.statusCode === 201) continue;
      failed += 1;
      firstError ??= `${response.statusCode} ${body.slice(0, 200)}`;
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } finally {
    await agent.close();
  }
  return { failed, firstError };
}

/** A gateway instance as a sender: sendText over HTTP. */
export function gatewaySender(baseUrl: string, instance: string, owner: string, contact: string, concurrency: number): Sender {
  const url = `${baseUrl}/message/sendText/${instance}`;
  return { owner, send: (texts) => postTexts(url, contact, texts, concurrency) };
}

const textOf = (received: ReceivedMessage): string | null | undefined =>
  received.message.conversation ?? received.message.extendedTextMessage?.text;

/** Texts of `texts` that no message from `owner` in `received` carried. */
function missingTexts(received: ReceivedMessage[], owner: string, texts: string[]): number {
  const from = `${owner}@s.whatsapp.net`;
  const got = new Set(received.filter((m) => m.from === from).map(textOf));
  return texts.filter((text) => !got.has(text)).length;
}

async function waitForDelivery(wa: WaEmulator, contact: string, since: number, expected: number): Promise<ReceivedMessage[]> {
  const deadline = Date.now() + DELIVERY_DEADLINE_MS;
  for (;;) {
    const received = wa.receivedMessages(contact).slice(since);
    if (received.length >= expected || Date.now() > deadline) return received;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every sender sends all `texts` to `contact` at once. A message counts once
 * its send call returned and the contact's phone decrypted it, so the gateway
 * and the engine are timed to the same point.
 */
export async function timedRun(
  wa: WaEmulator,
  contact: string,
  senders: Sender[],
  texts: string[],
  /** CPU time used so far by what sends (the gateway process, or the engine's threads). */
  cpu: () => number = () => NaN,
): Promise<RunResult> {
  const since = wa.receivedMessages(contact).length;
  const loop = performance.eventLoopUtilization();
  const cpuBefore = cpu();
  const startedAt = Date.now();
  const outcomes = await Promise.all(senders.map((sender) => sender.send(texts)));
  const answeredAt = Date.now();
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  const messages = senders.length * texts.length;
  const received = await waitForDelivery(wa, contact, since, messages - failed);
  const mainThreadBusy = performance.eventLoopUtilization(loop).utilization;
  const cpuUsed = cpu() - cpuBefore;
  const lastDelivery = received.reduce((latest, m) => Math.max(latest, m.at), 0);
  const seconds = (Math.max(answeredAt, lastDelivery) - startedAt) / 1000;
  return {
    messages,
    seconds,
    perSecond: messages / seconds,
    failed,
    missing: senders.reduce((sum, sender) => sum + missingTexts(received, sender.owner, texts), 0),
    firstError: outcomes.find((outcome) => outcome.firstError)?.firstError ?? null,
    mainThreadBusy,
    cpuMsPerMessage: cpuUsed / messages,
  };
}

/** "all 500 received" or what went wrong, for the report line. */
export function deliveryNote(result: RunResult): string {
  if (result.missing === 0 && result.failed === 0) return `all ${result.messages} received`;
  const error = result.firstError ? `; first error: ${result.firstError}` : '';
  return `FAILED ${result.failed}, NOT RECEIVED ${result.missing} of ${result.messages}${error}`;
}
