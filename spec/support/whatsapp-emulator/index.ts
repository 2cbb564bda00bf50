export { WaEmulator } from './emulator.js';
export type { AppStateView, PhoneLabel } from './app-state.js';
export type {
  AddressingMode,
  CallOffer,
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
  SentReceipt,
  StanzaLogEntry,
} from './emulator.js';
