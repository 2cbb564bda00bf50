// What the profile commands carry between the API and an instance's worker.

/** Privacy categories with the values Evolution accepts (lib/schemas/profile.ts). */
export interface PrivacySettings {
  readreceipts: string;
  profile: string;
  status: string;
  online: string;
  last: string;
  groupadd: string;
}

export interface BusinessProfile {
  wid: string | null;
  description: string;
  email: string | null;
  website: string[];
  address: string | null;
  category: string | null;
}

/** What WhatsApp tells about a number; null where nothing is set or privacy hides it. */
export interface ProfileLookup {
  wuid: string;
  exists: boolean;
  picture: string | null;
  status: string | null;
  business: BusinessProfile | null;
}
