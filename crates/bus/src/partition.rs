//! Key to partition, the same way Kafka's default Java partitioner does it.

/// The partition of `key` among `partitions`: murmur2 of the key bytes, made
/// positive, modulo the partition count. Matching Kafka's choice means a channel
/// lands in the same partition whichever client produced it.
pub fn partition_for(key: &[u8], partitions: u32) -> u32 {
    if partitions <= 1 {
        return 0;
    }
    (murmur2(key) & 0x7fff_ffff) % partitions
}

/// Kafka's murmur2 (seed 0x9747b28c).
fn murmur2(data: &[u8]) -> u32 {
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = 0x9747_b28c ^ len as u32;
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_kafka_murmur2() {
        // Reference values from Kafka's `UtilsTest.testMurmur2`.
        let cases: [(&[u8], i32); 3] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
        ];
        for (key, expected) in cases {
            assert_eq!(
                murmur2(key) as i32,
                expected,
                "{}",
                String::from_utf8_lossy(key)
            );
        }
    }

    #[test]
    fn spreads_and_is_stable() {
        let parts: Vec<u32> = ["pixelqueen", "speedrun_sam", "chillbeats", "retro_rick"]
            .iter()
            .map(|k| partition_for(k.as_bytes(), 4))
            .collect();
        assert!(parts.iter().all(|p| *p < 4));
        assert_eq!(
            parts,
            ["pixelqueen", "speedrun_sam", "chillbeats", "retro_rick"]
                .iter()
                .map(|k| partition_for(k.as_bytes(), 4))
                .collect::<Vec<_>>()
        );
        assert_eq!(partition_for(b"x", 1), 0);
    }
}
