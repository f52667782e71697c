// Akira's Stage A candidate test on an OpenCL device (recovery-schemes-3.md
// §3.9 "Cheapest candidate test"): for each (T3 index, gap) pair, KCipher-2
// (RFC 7008, spec §4.7) is initialised with key K(T3) and IV K(T3 + gap),
// its first 8 keystream bytes are compared with each target under its mask
// (several files encrypted in the same window are searched in one pass,
// §3.9 "Search space"), and a match is appended to the hit buffer.
//
// The host (src/gpu/akira_pairs.cpp) compiles this file, embedded in the
// binary, with KINTSUGI_LOCAL_TABLES defined on devices with their own local
// memory (GPUs: the tables' random lookups are served on chip). The tables
// come from the host: [0, 256) is the Sub_K2 column table (the AES S-box
// followed by MixColumn, for the low byte; the other bytes are rotations of
// it) and [256 + 256 m, 512 + 256 m) is the multiplication by alpha_m on the
// top byte, m = 0..3 (RFC 7008's amul0..amul3).

#define KC2_TABLE_WORDS 1280u

#ifdef KINTSUGI_LOCAL_TABLES
#define KC2_TABLES __local const uint*
#else
#define KC2_TABLES __constant const uint*
#endif

// Sub_K2 (RFC 7008): the AES S-box on each byte, then MixColumn.
inline uint kc2_sub(KC2_TABLES t, uint x) {
  return t[x & 0xffu] ^ rotate(t[(x >> 8) & 0xffu], 8u) ^
         rotate(t[(x >> 16) & 0xffu], 16u) ^ rotate(t[x >> 24], 24u);
}

// x times alpha_m in GF(2^32): a byte shift and a table on the top byte.
inline uint kc2_mul(KC2_TABLES t, uint m, uint x) {
  return (x << 8) ^ t[256u + 256u * m + (x >> 24)];
}

__kernel void akira_pairs(
    __global const uint4* keys,  // K(t) as four big-endian words, per t.
    uint first,                  // T3 index of the launch's first row.
    uint rows,                   // T3 indices [first, first + rows).
    uint gap_first,              // Gaps [gap_first, gap_first + gaps).
    uint gaps,
    __constant const uint* targets,  // (want hi, want lo, mask hi, mask lo).
    uint target_count,
    __constant const uint* tables,  // KC2_TABLE_WORDS words.
    __global uint* hits,            // (T3 index, gap, target) triples.
    uint capacity,                  // Triples that `hits` holds.
    volatile __global uint* found) {  // Hits seen, also past capacity.
#ifdef KINTSUGI_LOCAL_TABLES
  __local uint local_tables[KC2_TABLE_WORDS];
  const uint lane = get_local_id(1) * get_local_size(0) + get_local_id(0);
  const uint lanes = get_local_size(0) * get_local_size(1);
  for (uint i = lane; i < KC2_TABLE_WORDS; i += lanes) {
    local_tables[i] = tables[i];
  }
  barrier(CLK_LOCAL_MEM_FENCE);
  KC2_TABLES t = local_tables;
#else
  KC2_TABLES t = tables;
#endif
  // The global size is rounded up to whole work-groups: the bounds are the
  // launch's own row and gap counts (the public tool's `run2` kernel
  // compared against the wrong length and skipped answers, spec §3.9
  // "Pitfalls").
  const uint g = (uint)get_global_id(0);
  const uint r = (uint)get_global_id(1);
  if (g >= gaps || r >= rows) return;
  const uint index = first + r;
  const uint gap = gap_first + g;
  const uint4 k = keys[index];
  const uint4 iv = keys[index + gap];

  // Key expansion (RFC 7008).
  uint ik[12];
  ik[0] = k.x;
  ik[1] = k.y;
  ik[2] = k.z;
  ik[3] = k.w;
#pragma unroll
  for (uint i = 4; i < 12; ++i) {
    if ((i & 3u) == 0) {
      ik[i] = ik[i - 4] ^ kc2_sub(t, rotate(ik[i - 1], 8u)) ^
              (i == 4 ? 0x01000000u : 0x02000000u);
    } else {
      ik[i] = ik[i - 4] ^ ik[i - 1];
    }
  }
  uint a[5] = {ik[4], ik[3], ik[2], ik[1], ik[0]};
  uint b[11] = {ik[10], ik[11], iv.x,  iv.y,  ik[8], ik[9],
                iv.z,   iv.w,   ik[7], ik[5], ik[6]};
  uint l1 = 0, r1 = 0, l2 = 0, r2 = 0;

  // 24 clocks in initialisation mode (RFC 7008): the NLF outputs are fed
  // back into both registers. Every loop over the registers is unrolled, so
  // that they stay in registers (an indexed private array would go to
  // slow memory on a GPU) and the shifts become renamings.
#pragma unroll
  for (uint step = 0; step < 24; ++step) {
    const uint nl1 = kc2_sub(t, r2 + b[4]);
    const uint nr1 = kc2_sub(t, l2 + b[9]);
    const uint nl2 = kc2_sub(t, l1);
    const uint nr2 = kc2_sub(t, r1);
    const uint a4 = kc2_mul(t, 0, a[0]) ^ a[3] ^ ((b[0] + r2) ^ r1 ^ a[4]);
    // Dynamic feedback: bit 30 of A2 picks alpha_1 or alpha_2 for B0, bit
    // 31 whether B8 is multiplied by alpha_3. Both are computed and one is
    // selected, so that neighbouring work-items do not diverge.
    const uint b0 = kc2_mul(t, (a[2] & 0x40000000u) ? 1u : 2u, b[0]);
    const uint b8 = kc2_mul(t, 3, b[8]);
    uint b10 = b0 ^ b[1] ^ b[6] ^ ((a[2] & 0x80000000u) ? b8 : b[8]);
    b10 ^= (b[10] + l2) ^ l1 ^ a[0];
#pragma unroll
    for (uint i = 0; i < 4; ++i) a[i] = a[i + 1];
    a[4] = a4;
#pragma unroll
    for (uint i = 0; i < 10; ++i) b[i] = b[i + 1];
    b[10] = b10;
    l1 = nl1;
    r1 = nr1;
    l2 = nl2;
    r2 = nr2;
  }
  // The first output: ZH then ZL, each big-endian (RFC 7008).
  const uint zh = (b[10] + l2) ^ l1 ^ a[0];
  const uint zl = (b[0] + r2) ^ r1 ^ a[4];
  for (uint i = 0; i < target_count; ++i) {
    __constant const uint* target = targets + 4 * i;
    if (((zh ^ target[0]) & target[2]) != 0 ||
        ((zl ^ target[1]) & target[3]) != 0) {
      continue;
    }
    const uint slot = atomic_inc(found);
    if (slot < capacity) {
      hits[3 * slot] = index;
      hits[3 * slot + 1] = gap;
      hits[3 * slot + 2] = i;
    }
  }
}
