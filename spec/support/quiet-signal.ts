// The Signal library prints every session rotation (with key material) through
// console.info/warn. In the test process these come from the emulated phones
// and the in-process Baileys client; they say nothing a test checks.
const SIGNAL_CHATTER = /^(Closing session|Opening session|Removing old closed session|Closing open session|Session already|Decrypted message with closed session)/;

for (const method of ['info', 'warn'] as const) {
  const original = console[method].bind(console);
  console[method] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && SIGNAL_CHATTER.test(args[0])) return;
    original(...args);
  };
}

export {};
