import { demandOf, fsxAutomaticMetadataIops, fsxCapacityToCarry, fsxMetadataIops, fsxMetadataIopsFor, fsxThroughputOf, resolveProfile, scaleDemand, shortfalls, supplyOf } from '../src';

/** FSx for Lustre's numbers, computed once (src/fsx.ts), and metadata operations against them. */
describe('FSx throughput, capacity and metadata IOPS', () => {
  test('throughput: SCRATCH_2 at 200 read, 100 write, burst 1,300 per TiB; PERSISTENT at the class; unknown without it', () => {
    expect(fsxThroughputOf('SCRATCH_2', 2400)).toEqual({ readMBps: 468.75, writeMBps: 234.375, readPerTiB: 200, writePerTiB: 100, burstReadMBps: 3046.875 });
    expect(fsxThroughputOf('PERSISTENT_2', 4800, 250)).toEqual({ readMBps: 1171.875, writeMBps: 1171.875, readPerTiB: 250, writePerTiB: 250, burstReadMBps: 6093.75 });
    expect(fsxThroughputOf('PERSISTENT_2', 4800, 1000)).toEqual({ readMBps: 4687.5, writeMBps: 4687.5, readPerTiB: 1000, writePerTiB: 1000 });
    expect(fsxThroughputOf('PERSISTENT_1', 2400, 200)).toEqual({ readMBps: 468.75, writeMBps: 468.75, readPerTiB: 200, writePerTiB: 200 });
    expect(fsxThroughputOf('PERSISTENT_2', 4800)).toBeUndefined();
  });

  test('the capacity that carries a demand, grown: at least today\'s, in SSD steps, writes at the write rate', () => {
    const d = { readMBps: 150, writeMBps: 0 };
    expect([1, 2, 10].map((k) => fsxCapacityToCarry('SCRATCH_2', 1200, undefined, d, k))).toEqual([1200, 2400, 9600]);
    // 300 MB/s of writes on SCRATCH_2 need 3 TiB (100 MB/s/TiB) → 4,800 GiB; on PERSISTENT_2 at 250, 1.2 TiB → 2,400 GiB.
    expect(fsxCapacityToCarry('SCRATCH_2', 1200, undefined, { readMBps: 0, writeMBps: 300 })).toBe(4800);
    expect(fsxCapacityToCarry('PERSISTENT_2', 1200, 250, { readMBps: 0, writeMBps: 300 })).toBe(2400);
    expect(fsxCapacityToCarry('PERSISTENT_2', 1200, undefined, d)).toBeUndefined();
  });

  test('metadata IOPS: USER_PROVISIONED as given, AUTOMATIC by capacity, none without a configuration; the level that carries a rate', () => {
    expect([1200, 2400, 4800, 9600, 12000, 45600, 48000, 72000, 400000].map(fsxAutomaticMetadataIops)).toEqual([1500, 3000, 6000, 6000, 12000, 12000, 24000, 36000, 192000]);
    expect(fsxMetadataIops(4800, { mode: 'USER_PROVISIONED', iops: 1500 })).toBe(1500);
    expect(fsxMetadataIops(4800, { mode: 'AUTOMATIC' })).toBe(6000);
    expect(fsxMetadataIops(4800, undefined)).toBeUndefined();
    expect([1, 1500, 1501, 5000, 6001, 12001, 192000, 192001].map(fsxMetadataIopsFor)).toEqual([1500, 1500, 3000, 6000, 12000, 24000, 192000, undefined]);
  });

  test('metadata operations fall short of USER_PROVISIONED IOPS with both numbers; SCRATCH states no rate, so none is compared', () => {
    const p = resolveProfile({ dataGiB: 4000, readers: 16, readMBpsPerReader: 50, metadataOpsPerSecond: 5000 });
    const d = demandOf(p);
    const persistent = supplyOf({ kind: 'fsx-lustre', deploymentType: 'PERSISTENT_2', perUnit: 250, capacityGiB: 4800, metadata: { mode: 'USER_PROVISIONED', iops: 1500 } }, p, d);
    expect(shortfalls(p, d, persistent).map((s) => s.text)).toEqual(['metadata operations: 5,000 operations/s asked (stated), 1,500 operations/s given (1,500 metadata IOPS (USER_PROVISIONED))']);
    const scratch = supplyOf({ kind: 'fsx-lustre', deploymentType: 'SCRATCH_2', capacityGiB: 4800 }, p, d);
    expect(scratch.metadataOpsPerSecond).toBeUndefined();
    expect(shortfalls(p, d, scratch)).toEqual([]);
  });

  test('a demand grown k×: totals, requests, metadata and nodes scale; what one node moves does not', () => {
    const d = demandOf(resolveProfile({ dataGiB: 1000, readers: 8, readMBpsPerReader: 100, perNode: 4 }));
    const g = scaleDemand(d, 10);
    expect({ read: g.readMBps, nodes: g.nodes, perNode: g.perNodeMBps, gets: g.getPerSecond / d.getPerSecond, metadata: g.metadataOpsPerSecond / d.metadataOpsPerSecond }).toEqual({ read: 8000, nodes: 20, perNode: 400, gets: 10, metadata: 10 });
  });
});
