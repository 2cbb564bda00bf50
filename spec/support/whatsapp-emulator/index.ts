export { WaEmulator } from './emulator.js';
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
