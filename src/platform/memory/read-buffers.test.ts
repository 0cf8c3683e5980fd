import { describe, expect, it } from 'vitest';
import { RELEASE_EVERY_BYTES, readBufferCollectorAvailable, releaseReadBuffers } from './read-buffers.js';

const arrayBuffersMb = () => process.memoryUsage().arrayBuffers / 2 ** 20;

/** Leaves `megabytes` of dead 64 KiB buffers behind, as a stream's reads do. */
function leaveDeadBuffers(megabytes: number): void {
  for (let i = 0; i < megabytes * 16; i++) Buffer.allocUnsafeSlow(64 * 1024).fill(1);
}

describe('releaseReadBuffers', () => {
  it('reaches V8’s collector on this Node', () => {
    expect(readBufferCollectorAvailable()).toBe(true);
  });

  it('frees the dead read buffers once 8 MB have passed', () => {
    releaseReadBuffers(RELEASE_EVERY_BYTES); // the counter starts from zero here
    const before = arrayBuffersMb();
    leaveDeadBuffers(8);
    expect(arrayBuffersMb() - before).toBeGreaterThan(7);
    releaseReadBuffers(RELEASE_EVERY_BYTES - 1);
    releaseReadBuffers(1);
    expect(arrayBuffersMb() - before).toBeLessThan(1);
  });

  it('counts across calls: small chunks add up to one collection', () => {
    releaseReadBuffers(RELEASE_EVERY_BYTES);
    const before = arrayBuffersMb();
    leaveDeadBuffers(4);
    for (let i = 0; i < 128; i++) releaseReadBuffers(64 * 1024); // 8 MB in 64 KiB reads
    expect(arrayBuffersMb() - before).toBeLessThan(1);
  });
});
