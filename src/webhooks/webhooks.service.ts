// Admin configuration of webhook endpoints and their delivery log: the use cases behind
// webhooks.routes.ts (checking a target URL, adding an endpoint with its audit row, listing).
import type { Kysely } from 'kysely';
import { type Actor, recordAudit } from '../platform/audit/audit.repository.js';
import type { Database } from '../platform/db/schema.js';
import { asUseCase } from '../platform/db/transaction.js';
import { AppError } from '../shared/errors.js';
import {
  type ResolveAll,
  resolveWithSystem,
  type WebhookAllowList,
  webhookTargetRefusal,
} from './webhook-address.js';
import {
  findEndpoint,
  insertEndpoint,
  listDeliveryRows,
  listEndpointRows,
  type WebhookEndpointRow,
} from './webhooks.repository.js';

const MAX_ENDPOINTS_LISTED = 100;
const MAX_DELIVERIES_LISTED = 100;

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  description: string | null;
  active: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  statusCode: number | null;
  succeeded: boolean;
  durationMs: number;
  error: string | null;
  attemptedAt: string;
}

export interface NewWebhookEndpoint {
  url: string;
  secret: string;
  eventTypes: readonly string[];
  description?: string | undefined;
}

function endpointView(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.event_types,
    description: row.description,
    active: row.active,
    createdAt: row.created_at.toISOString(),
  };
}

export function createWebhooksService(deps: {
  db: Kysely<Database>;
  allowList: WebhookAllowList;
  /** How host names are resolved (the system resolver; tests give their own). */
  resolve?: ResolveAll | undefined;
}) {
  const { db } = deps;

  /** The normalised URL when it is an absolute http(s) URL without credentials that resolves to allowed addresses. */
  async function checkUrl(raw: string): Promise<string> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new AppError('validation_failed', 'The webhook URL must be an absolute http(s) URL.', {
        param: 'url',
      });
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new AppError('validation_failed', 'The webhook URL must start with https:// or http://.', {
        param: 'url',
      });
    if (url.username || url.password)
      throw new AppError('validation_failed', 'The webhook URL must not carry a user name or password.', {
        param: 'url',
      });
    // Only public addresses (after DNS) unless allowed by name or range: not the app's own network.
    const refusal = await webhookTargetRefusal(url, deps.allowList, deps.resolve ?? resolveWithSystem);
    if (refusal)
      throw new AppError('validation_failed', `The webhook URL is refused: ${refusal}.`, { param: 'url' });
    return url.toString();
  }

  /** Adds an endpoint in `trx` with its audit row; `url` must have passed checkUrl. */
  async function addEndpoint(
    trx: Kysely<Database>,
    input: NewWebhookEndpoint & { url: string },
    actor: Actor,
    requestId: string,
  ): Promise<WebhookEndpoint> {
    const row = await insertEndpoint(trx, {
      url: input.url,
      secret: input.secret,
      eventTypes: [...input.eventTypes],
      description: input.description ?? null,
      createdBy: actor.label,
    });
    await recordAudit(trx, {
      actor,
      action: 'webhook_endpoint.created',
      entityType: 'webhook_endpoint',
      entityId: row.id,
      data: { url: input.url, eventTypes: row.event_types },
      requestId,
    });
    return endpointView(row);
  }

  async function listEndpoints(): Promise<WebhookEndpoint[]> {
    return (await listEndpointRows(db, MAX_ENDPOINTS_LISTED)).map(endpointView);
  }

  async function listDeliveries(endpointId: string): Promise<WebhookDelivery[]> {
    const endpoint = await findEndpoint(db, endpointId);
    if (!endpoint) throw new AppError('not_found', 'No webhook endpoint has this id.', { param: 'id' });
    const rows = await listDeliveryRows(db, endpoint.id, MAX_DELIVERIES_LISTED);
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.type,
      attempt: row.attempt,
      statusCode: row.status_code,
      succeeded: row.succeeded,
      durationMs: row.duration_ms,
      error: row.error,
      attemptedAt: row.attempted_at.toISOString(),
    }));
  }

  return { checkUrl, addEndpoint: asUseCase(addEndpoint), listEndpoints, listDeliveries };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
