import { useEffect, useState } from 'react';
import { api } from './api.js';

// The customer-service and roadside numbers from the server's settings (COVERWISE_SUPPORT_PHONE,
// COVERWISE_ROADSIDE_PHONE), read once per page load from the public help center answer.

export interface SupportContact {
  supportPhone: string;
  supportHours: string;
  roadsidePhone: string;
}

let pending: Promise<SupportContact> | null = null;

function loadContact(): Promise<SupportContact> {
  pending ??= api.get<{ contact: SupportContact }>('/help').then(
    (help) => help.contact,
    (error: unknown) => {
      pending = null;
      throw error;
    },
  );
  return pending;
}

/** The contact numbers, or null until they arrive (or when they cannot be read). */
export function useSupportContact(): SupportContact | null {
  const [contact, setContact] = useState<SupportContact | null>(null);
  useEffect(() => {
    let live = true;
    loadContact().then(
      (value) => live && setContact(value),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return contact;
}
