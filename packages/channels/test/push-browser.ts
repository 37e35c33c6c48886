// A browser's side of a web push subscription for tests: its ECDH key pair and auth secret, and the
// aes128gcm decryption a browser does (RFC 8291 / RFC 8188), so tests read what a push service delivered.
import assert from 'node:assert/strict';
import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import type { PushSubscriptionJson } from '../src/index';

/** A browser's side of a subscription: its ECDH key pair and auth secret, so the test can decrypt. */
export function browserSubscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const subscription: PushSubscriptionJson = {
    endpoint,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
  };
  /** Decrypts an aes128gcm body (RFC 8291 / RFC 8188), as the browser would. */
  function decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const idlen = body.readUInt8(20);
    const serverPublic = body.subarray(21, 21 + idlen);
    const ciphertext = body.subarray(21 + idlen);
    const shared = ecdh.computeSecret(serverPublic);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), ecdh.getPublicKey(), serverPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', shared, auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const padded = Buffer.concat([
      decipher.update(ciphertext.subarray(0, ciphertext.length - 16)),
      decipher.final(),
    ]);
    let end = padded.length - 1;
    while (end > 0 && padded[end] === 0) end--;
    assert.equal(padded[end], 2, 'last record delimiter');
    return padded.subarray(0, end).toString('utf8');
  }
  return { subscription, decrypt };
}
