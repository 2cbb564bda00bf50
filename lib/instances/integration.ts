/** How an instance reaches WhatsApp: a WhatsApp Web session, or a number on Meta's Cloud API. */
export const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS'] as const;
export type Integration = (typeof INTEGRATIONS)[number];
