export { WaEmulator } from './emulator.js';
export type {
  CallOffer,
  EmulatorOptions,
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
