// A parser of Prometheus' text exposition format (version 0.0.4), strict enough
// that a malformed line fails the spec rather than being skipped.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

export type Exposition = Map<string, Family>;

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
/** Sample name suffixes that belong to the family without them. */
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes "Nan". */
function parseValue(text: string, line: string): number {
  if (/^\+?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (text === '' || Number.isNaN(value)) throw new Error(`bad sample value in: ${line}`);
  return value;
}

/** Reads `{a="1",b="x\"y"}` from the start of `rest`; returns the labels and what follows. */
function parseLabels(rest: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const fail = () => new Error(`bad label set in: ${line}`);
  while (true) {
    if (rest[i] === '}') return { labels, rest: rest.slice(i + 1) };
    const name = LABEL_NAME.exec(rest.slice(i))?.[0];
    if (!name || rest[i + name.length] !== '=' || rest[i + name.length + 1] !== '"') throw fail();
    i += name.length + 2;
    let value = '';
    for (; i < rest.length && rest[i] !== '"'; i += 1) {
      if (rest[i] !== '\\') {
        value += rest[i];
        continue;
      }
      i += 1;
      const escaped = { '\\': '\\', '"': '"', n: '\n' }[rest[i]];
      if (escaped === undefined) throw fail();
      value += escaped;
    }
    if (rest[i] !== '"') throw fail();
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = value;
    i += 1;
    if (rest[i] === ',') i += 1;
    else if (rest[i] !== '}') throw fail();
  }
}

function parseSample(line: string): Sample {
  const name = NAME.exec(line)?.[0];
  if (!name) throw new Error(`bad metric name in: ${line}`);
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
  const fields = rest.trim().split(/\s+/);
  if (!/^\s/.test(rest) || fields.length < 1 || fields.length > 2) throw new Error(`bad sample in: ${line}`);
  return { name, labels, value: parseValue(fields[0], line) };
}

function familyOf(families: Exposition, sampleName: string): Family | undefined {
  const own = families.get(sampleName);
  if (own) return own;
  for (const family of families.values()) {
    if ((SUFFIXES[family.type] ?? []).some((suffix) => `${family.name}${suffix}` === sampleName)) return family;
  }
  return undefined;
}

export function parseExposition(text: string): Exposition {
  const families: Exposition = new Map();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { name, type: 'untyped', help: '', samples: [] }));
    return found;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^#\s+(HELP|TYPE)\s+([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\s(.*))?$/.exec(line);
    if (meta) {
      if (meta[1] === 'HELP') family(meta[2]).help = meta[3] ?? '';
      else family(meta[2]).type = (meta[3] ?? '').trim();
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const owner = familyOf(families, sample.name);
    if (!owner) throw new Error(`sample before its # TYPE line: ${line}`);
    owner.samples.push(sample);
  }
  return families;
}

/** The value of the one sample with this name and these labels (others ignored); undefined if absent. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const owner = familyOf(exposition, name);
  const matches = (owner?.samples ?? []).filter(
    (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
  );
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
