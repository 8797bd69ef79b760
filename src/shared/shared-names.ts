import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * What replicas write to Redis says nothing about who it is for. Every key and
 * channel is named by an HMAC of the caller key (itself a SHA-256 of the
 * credentials) under a key derived from CURSOR_SECRET, which every replica shares:
 * without the secret a name cannot even be tied to a token it was guessed from.
 * Messages are sealed (AES-256-GCM under another derived key, bound to their
 * channel), so the logs a live-tail event carries cross Redis unreadable, and a
 * message not sealed by a replica of this deployment is dropped.
 */

/** Every key and channel starts with this, so an operator can tell the gateway's own. */
export const KEY_PREFIX = 'audit-gateway:v1:';

export interface SharedNames {
  /** The Redis key of `kind` (`lease`, `cooldown`, …) for a caller or tail key. */
  key(kind: string, name: string): string;
  /** The pub/sub channel of a topic. */
  channel(topic: string): string;
}

function derive(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `audit-gateway shared state: ${label}`, 32));
}

export function createSharedNames(secret: string): SharedNames {
  const namesKey = derive(secret, 'names');
  const hash = (name: string) => createHmac('sha256', namesKey).update(name).digest('base64url');
  return {
    key: (kind, name) => `${KEY_PREFIX}${kind}:${hash(`${kind}\n${name}`)}`,
    channel: (topic) => `${KEY_PREFIX}tail:${hash(`channel\n${topic}`)}`,
  };
}

export interface Sealer {
  seal(channel: string, text: string): Buffer;
  /** The text, or undefined when the message was not sealed under this deployment's secret for this channel. */
  open(channel: string, sealed: Buffer): string | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createSealer(secret: string): Sealer {
  const key = derive(secret, 'messages');
  return {
    seal(channel, text) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(channel));
      const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    open(channel, sealed) {
      if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(channel));
        decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
