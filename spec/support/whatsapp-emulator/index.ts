export { WaEmulator } from './emulator.js';
export type { EmulatorOptions, KickReason, OutgoingMedia, ReceivedMessage, SendOptions, StanzaLogEntry } from './emulator.js';
