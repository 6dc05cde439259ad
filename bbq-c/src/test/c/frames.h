/*
 * The test frames both languages write and check (dev.bbq.c.TestFrames is the Java twin):
 *
 *   [run u32 LE][seq u64 LE][payload][fnv1a-32 of everything before it, u32 LE]
 *
 * The length is 16 + (mix(seq) % 241) bytes, so every size from 16 to 256 occurs; payload byte i
 * is (seq * 31 + i) & 0xff. A consumer checks the checksum, the length for the sequence number,
 * and that each run's sequence numbers arrive in order without gaps.
 */
#ifndef BBQ_TEST_FRAMES_H
#define BBQ_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 256

static inline uint32_t frame_fnv(const unsigned char *p, size_t n) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static inline size_t frame_length(uint64_t seq) {
    uint64_t x = seq * UINT64_C(0x9E3779B97F4A7C15);
    return 16 + (size_t) ((x >> 32) % 241);
}

static inline void frame_put_le(unsigned char *p, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; i++) {
        p[i] = (unsigned char) (v >> (8 * i));
    }
}

static inline uint64_t frame_get_le(const unsigned char *p, int bytes) {
    uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Writes frame (run, seq) into out (FRAME_MAX bytes) and returns its length. */
static inline size_t frame_make(unsigned char *out, uint32_t run, uint64_t seq) {
    size_t n = frame_length(seq);
    frame_put_le(out, run, 4);
    frame_put_le(out + 4, seq, 8);
    for (size_t i = 12; i < n - 4; i++) {
        out[i] = (unsigned char) (seq * 31 + i);
    }
    frame_put_le(out + n - 4, frame_fnv(out, n - 4), 4);
    return n;
}

/* 0 if the frame is sound (and sets run and seq), -1 if not. */
static inline int frame_check(const unsigned char *p, size_t n, uint32_t *run, uint64_t *seq) {
    if (n < 16 || n > FRAME_MAX) {
        return -1;
    }
    *run = (uint32_t) frame_get_le(p, 4);
    *seq = frame_get_le(p + 4, 8);
    if (n != frame_length(*seq) || frame_get_le(p + n - 4, 4) != frame_fnv(p, n - 4)) {
        return -1;
    }
    return 0;
}

#endif
