export { WaEmulator } from './emulator.js';
export type { AppStateView, PhoneLabel } from './app-state.js';
export type {
  EmulatorOptions,
  GroupState,
  HistoryContact,
  HistoryConversation,
  HistoryMessage,
  KickReason,
  OutgoingMedia,
  PhoneHistory,
  ReceivedMessage,
  SendOptions,
  StanzaLogEntry,
} from './emulator.js';
