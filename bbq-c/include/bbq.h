/*
 * bbq.h: the C side of a bbq queue file (layout version 2), header-only C11 (libc, POSIX and
 * <stdatomic.h>). A C process and a JVM each take one half of a file made by the Java
 * BBQueue.createMapped, and either may be the producer.
 *
 * Overview of implementation
 *
 * This is a transcription of dev.bbq.Ring's state machine for queue files (docs/design.md
 * sections 3, 4 and 8); the names are Ring's (grant, commit, read, release, watermark). Every access
 * to a shared word carries the tag of the rule that makes it enough, as in Ring.java:
 *
 *   R1  single writer: WRITE, LAST, COMMIT_START and PRODUCER_CLOSED by the producer half's holder,
 *       READ by the consumer half's holder; nothing on the hot path is compare-and-set.
 *   R2  commit publishes data: WRITE is stored with release after the bytes, loaded with acquire.
 *   R3  LAST is stored (release) before WRITE; the consumer loads WRITE before LAST (acquire).
 *   R4  READ is stored with release after the last access to released bytes, loaded with acquire.
 *   R5  the consumer follows the watermark to 0 only on write < read == last.
 *   R6  an inverted grant ends strictly before read.
 *   R7  cached copies of the other side's words only under-state what is available.
 *   R8  a producer refused on an empty ring publishes an empty wrap.
 *   R10 PRODUCER_CLOSED is stored after the last commit; a reader that sees it looks once more.
 *   R11 a frame's first header byte is its commit flag, stored after WRITE; the byte after a
 *       frame is cleared first; a wrap leaves the index mark 0x80 at the old write position.
 *   R12 a framed commit stores COMMIT_START before WRITE; a producer taking a half over turns a
 *       frame with a published index but a zero flag into skip records (0x40 / 0xC0 + length).
 * R9 (signalling waiters) does not apply: a process cannot unpark another, so mapped queues wait
 * by backoff on both sides, as Java's WaitStrategy.backoff() does.
 *
 * C11 mapping of Java's access modes. Shared words are 4-byte (8 for the header's longs) aligned
 * words of the mapping accessed through _Atomic pointers: getAcquire/setRelease are
 * memory_order_acquire/release, opaque is relaxed. The flag byte (R11) is written by Java as a
 * plain store after a release fence and read as a plain load followed by an acquire fence; here it
 * is a release store and an acquire load of an _Atomic byte, which gives the same order (and is
 * what ThreadSanitizer understands). Every access to a byte that is a frame's flag position is
 * atomic; payload and the header's other bytes are plain, ordered by the flag or by WRITE.
 *
 * Byte order. The header's fields and the control block's words are in the creator's native order
 * (BYTE_ORDER mark 0x01020304 checks it); frame headers and skip-record lengths are little-endian
 * whatever the machine.
 *
 * Ownership. A half is held while this process holds a write lock on its header byte (4094 the
 * producer, 4095 the consumer). Java takes it with FileChannel.tryLock, a classic POSIX record
 * lock; this file takes an open-file-description (OFD) lock, which the kernel makes conflict with
 * record locks of other processes, and which is not dropped when some other descriptor of the file
 * is closed (the classic locks' trap). The kernel drops it when the process dies.
 *
 * Threads. Producer calls must come from one thread at a time, consumer calls likewise; the two
 * halves may run on two threads (their private fields are on separate cache lines).
 *
 * Include this header before any system header, or define _POSIX_C_SOURCE >= 200809L (or
 * _GNU_SOURCE) yourself. Linux only (OFD locks).
 */
#ifndef BBQ_H
#define BBQ_H

#if !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef F_OFD_SETLK
#ifdef __linux__
#define F_OFD_SETLK 37 /* <linux/fcntl.h>; glibc shows it only under _GNU_SOURCE */
#else
#error "bbq.h needs open-file-description locks (F_OFD_SETLK): Linux"
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------- */
/* Layout (QueueFile.java, ControlBlock.java): byte offsets in the file.                          */

#define BBQ_MAGIC UINT64_C(0x4242515545554531) /* "BBQUEUE1" */
#define BBQ_VERSION 2
#define BBQ_BYTE_ORDER_MARK 0x01020304
#define BBQ_MODE_UNSET 0
#define BBQ_MODE_RAW 1
#define BBQ_MODE_FRAMED 2
#define BBQ_DATA_OFFSET 4096
#define BBQ_MAX_CAPACITY (INT32_MAX - 64)

#define BBQ_OFF_MAGIC 0
#define BBQ_OFF_VERSION 8
#define BBQ_OFF_CAPACITY 12
#define BBQ_OFF_BYTE_ORDER 16
#define BBQ_OFF_MODE 20
#define BBQ_OFF_DATA_OFFSET 24
#define BBQ_OFF_READY 28
#define BBQ_OFF_PRODUCER_PID 32
#define BBQ_OFF_CONSUMER_PID 40
#define BBQ_OFF_PRODUCER_ATTACHES 48
#define BBQ_OFF_CONSUMER_ATTACHES 56
#define BBQ_OFF_FRAMES_CUT 64
/* The control block's words. */
#define BBQ_OFF_WRITE 128
#define BBQ_OFF_LAST 132
#define BBQ_OFF_COMMIT_START 136
#define BBQ_OFF_READ 256
#define BBQ_OFF_CONSUMER_CLOSED 384
#define BBQ_OFF_PRODUCER_CLOSED 512
#define BBQ_HEADER_LENGTH 640
/* Each side's counters, in a line of that side's own. */
#define BBQ_OFF_P_BYTES_COMMITTED 640
#define BBQ_OFF_P_FRAMES_COMMITTED 648
#define BBQ_OFF_P_GRANTS_REFUSED 656
#define BBQ_OFF_P_FRAMES_DROPPED 664
#define BBQ_OFF_P_BYTES_DROPPED 672
#define BBQ_OFF_P_WAIT_NANOS 680
#define BBQ_OFF_P_HIGH_WATER 688
#define BBQ_OFF_C_BYTES_RELEASED 768
#define BBQ_OFF_C_FRAMES_RELEASED 776
#define BBQ_OFF_C_WAIT_NANOS 784
#define BBQ_OFF_C_HIGH_WATER 792
/* The halves' lock bytes. */
#define BBQ_LOCK_PRODUCER (BBQ_DATA_OFFSET - 2)
#define BBQ_LOCK_CONSUMER (BBQ_DATA_OFFSET - 1)

/* Frame format (FrameHeader.java). */
#define BBQ_MAX_HEADER_WIDTH 5
#define BBQ_INDEX_MARK 0x80u
#define BBQ_SKIP_ONE 0x40u
#define BBQ_SKIP_RECORD 0xC0u

/* bbq_open_with flags: MappedOption.SHARED_WITH_GROUP. */
#define BBQ_SHARED_WITH_GROUP 1

/* ------------------------------------------------------------------------------------------- */
/* The API. Every call returns 0 or 1 on success and -errno on failure; bbq_last_error() then     */
/* names the problem (per thread). A failed call leaves the queue usable.                        */

typedef struct bbq_queue bbq_queue;

/* Attaches to a queue file made by createMapped: trust checks, every header field validated, nothing
 * written. -EBADMSG for a file that is not a sound queue file, -EACCES for one that cannot be
 * trusted, -ELOOP for a symbolic link, -EINVAL for bad arguments or not a regular file. */
static inline int bbq_open(const char *path, bbq_queue **out);
static inline int bbq_open_with(const char *path, int flags, bbq_queue **out);

/* Takes a half: 0, -EBUSY if another process (or another bbq_open in this one) holds it, -EINVAL
 * if the queue's mode is the other one or this handle holds the half already. */
static inline int bbq_take_frame_producer(bbq_queue *q);
static inline int bbq_take_frame_consumer(bbq_queue *q);
static inline int bbq_take_producer(bbq_queue *q); /* raw */
static inline int bbq_take_consumer(bbq_queue *q); /* raw */

/* Framed producer. */
static inline int bbq_try_write(bbq_queue *q, const void *frame, size_t len); /* 1, 0 no room, -errno */
static inline int bbq_write(bbq_queue *q, const void *frame, size_t len, int64_t timeout_ns); /* 0: timed out */
static inline int bbq_try_grant(bbq_queue *q, size_t max_len, void **buf); /* 1 buf holds max_len bytes */
static inline int bbq_commit(bbq_queue *q, size_t len);                      /* publishes len <= max_len */
static inline int bbq_drop_grant(bbq_queue *q);                              /* publishes nothing */
static inline size_t bbq_max_frame_length(const bbq_queue *q);

/* Framed consumer. */
static inline int bbq_try_read(bbq_queue *q, const void **frame, size_t *len); /* 1, 0, -EPIPE end */
static inline int bbq_read(bbq_queue *q, const void **frame, size_t *len, int64_t timeout_ns);
static inline int bbq_release(bbq_queue *q);

/* Raw producer and consumer. */
static inline int bbq_try_grant_exact(bbq_queue *q, size_t n, void **buf);
static inline int bbq_try_grant_max(bbq_queue *q, size_t max, void **buf, size_t *len);
static inline int bbq_commit_bytes(bbq_queue *q, size_t used);
static inline int bbq_try_read_bytes(bbq_queue *q, const void **buf, size_t *len); /* 1, 0, -EPIPE */
static inline int bbq_read_bytes(bbq_queue *q, const void **buf, size_t *len, int64_t timeout_ns);
static inline int bbq_release_bytes(bbq_queue *q, size_t n);

/* Ends the stream (PRODUCER_CLOSED, R10) and gives the producer half back. */
static inline int bbq_close_producer(bbq_queue *q);
/* Gives the consumer half back (a queue file's consumer detaches; the producer goes on). */
static inline int bbq_close_consumer(bbq_queue *q);
/* Closes the halves this handle took, unmaps, frees. */
static inline int bbq_close(bbq_queue *q);

static inline uint32_t bbq_capacity(const bbq_queue *q);
static const char *bbq_last_error(void);

/* ------------------------------------------------------------------------------------------- */
/* Implementation                                                                              */

#define BBQ_LINE 128

struct bbq_queue {
    int fd;
    unsigned char *map;
    size_t map_length;
    unsigned char *data; /* map + BBQ_DATA_OFFSET */
    uint32_t capacity;
    uint32_t max_frame_length;
    int mode; /* the mode the halves of this handle were taken with */
    int holds_producer;
    int holds_consumer;

    /* Producer-private: only the producer's thread touches these (Ring's p* fields). */
    _Alignas(BBQ_LINE) uint32_t p_write;
    uint32_t p_last;
    uint32_t p_read_cache;
    uint32_t p_grant_start;
    uint32_t p_grant_width; /* the open frame grant's header width */
    uint32_t p_grant_max; /* the open grant's size: payload bytes (framed) or bytes (raw) */
    int p_grant_open;
    int64_t p_bytes_committed, p_frames_committed, p_grants_refused, p_wait_nanos, p_high_water;
    int64_t p_next_size_check;

    /* Consumer-private (Ring's c* fields). */
    _Alignas(BBQ_LINE) uint32_t c_read;
    uint32_t c_write;
    uint32_t c_last;
    uint32_t c_start;
    uint32_t c_grant_end; /* where a release of the open read ends */
    int c_grant_open;
    int64_t c_bytes_released, c_frames_released, c_wait_nanos, c_high_water;
    int64_t c_next_size_check;
    _Alignas(BBQ_LINE) char bbq_pad_end; /* the consumer's line shares nothing that follows the handle */
};

static _Thread_local char bbq_error_text[512];

static const char *bbq_last_error(void) { return bbq_error_text; }

/* Records why a call fails, and returns -err so that callers can `return bbq_fail(...)`. */
static inline int bbq_fail(int err, const char *format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(bbq_error_text, sizeof bbq_error_text, format, args);
    va_end(args);
    return -err;
}

/* Shared words. The casts are the C form of Java's byteBufferViewVarHandle over the mapping. */
static inline _Atomic uint32_t *bbq_word(const bbq_queue *q, int offset) {
    return (_Atomic uint32_t *) (void *) (q->map + offset);
}
static inline _Atomic int64_t *bbq_long(const bbq_queue *q, int offset) {
    return (_Atomic int64_t *) (void *) (q->map + offset);
}
static inline _Atomic unsigned char *bbq_flag(const bbq_queue *q, uint32_t index) {
    return (_Atomic unsigned char *) (q->data + index);
}
static inline uint32_t bbq_get_acquire(const bbq_queue *q, int offset) {
    return atomic_load_explicit(bbq_word(q, offset), memory_order_acquire);
}
static inline void bbq_set_release(const bbq_queue *q, int offset, uint32_t value) {
    atomic_store_explicit(bbq_word(q, offset), value, memory_order_release);
}
static inline void bbq_set_opaque(const bbq_queue *q, int offset, uint32_t value) {
    atomic_store_explicit(bbq_word(q, offset), value, memory_order_relaxed);
}
/* A side's counter in the file: single writer, relaxed (Java: opaque). */
static inline void bbq_counter_set(const bbq_queue *q, int offset, int64_t value) {
    atomic_store_explicit(bbq_long(q, offset), value, memory_order_relaxed);
}
static inline int64_t bbq_counter(const bbq_queue *q, int offset) {
    return atomic_load_explicit(bbq_long(q, offset), memory_order_relaxed);
}

static inline int64_t bbq_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t) t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- Frame headers (FrameHeader.java): little-endian, width told by trailing zero bits ---- */

static inline uint32_t bbq_header_width(uint32_t max_length) {
    if (max_length < (1u << 7)) return 1;
    if (max_length < (1u << 14)) return 2;
    if (max_length < (1u << 21)) return 3;
    if (max_length < (1u << 28)) return 4;
    return 5;
}

static inline uint32_t bbq_max_frame_for(uint32_t capacity) {
    uint32_t n = capacity - 1;
    while (n > 0 && n + bbq_header_width(n) > capacity) {
        n--;
    }
    return n;
}

/* Writes every header byte but the first and returns the first (the flag, never 0). */
static inline unsigned char bbq_encode_all_but_first(unsigned char *at, uint32_t width, uint32_t length) {
    uint64_t value = ((uint64_t) length << width) | (UINT64_C(1) << (width - 1));
    for (uint32_t i = 1; i < width; i++) {
        at[i] = (unsigned char) (value >> (8 * i));
    }
    return (unsigned char) value;
}

/* Decodes the header whose first byte is `first` at `index`, where `available` committed bytes
 * start; checked against them. Returns 0 and sets width/length, or -EBADMSG. */
static inline int bbq_decode(const bbq_queue *q, uint32_t index, unsigned char first, uint32_t available,
                      uint32_t *width, uint32_t *length) {
    if ((first & 1u) != 0) {
        if ((uint32_t) (first >> 1) < available) {
            *width = 1;
            *length = first >> 1;
            return 0;
        }
        return bbq_fail(EBADMSG, "corrupt frame header at ring offset %u: a 1-byte header announces %u bytes but only %u "
                        "committed bytes follow it", index, first >> 1, available - 1);
    }
    uint32_t w = 1;
    while (w <= 8 && (first & (1u << (w - 1))) == 0) {
        w++;
    }
    if (w > BBQ_MAX_HEADER_WIDTH || w > available) {
        return bbq_fail(EBADMSG, "corrupt frame header at ring offset %u: first byte 0x%x announces a %u-byte header, "
                        "%u committed bytes there", index, first, w, available);
    }
    uint64_t value = 0;
    for (uint32_t i = w - 1; i >= 1; i--) {
        value = (value << 8) | q->data[index + i];
    }
    value = (value << 8) | first;
    uint64_t n = value >> w;
    if (n > available - w) {
        return bbq_fail(EBADMSG, "corrupt frame header at ring offset %u: a %u-byte header announces %llu bytes but "
                        "only %u committed bytes follow it", index, w, (unsigned long long) n, available - w);
    }
    *width = w;
    *length = (uint32_t) n;
    return 0;
}

static inline int bbq_is_skip(unsigned char first) {
    return first == BBQ_SKIP_ONE || first == BBQ_SKIP_RECORD;
}

/* The length of the skip record at `index` whose first byte is `first`, checked (R12). */
static inline int bbq_skip_length(const bbq_queue *q, uint32_t index, unsigned char first, uint32_t available,
                           uint32_t *length) {
    if (first == BBQ_SKIP_ONE) {
        *length = 1;
        return 0;
    }
    if (available < 5) {
        return bbq_fail(EBADMSG, "corrupt skip record at ring offset %u: %u committed bytes there, a skip record needs 5",
                        index, available);
    }
    const unsigned char *p = q->data + index;
    uint32_t n = (uint32_t) p[1] | (uint32_t) p[2] << 8 | (uint32_t) p[3] << 16 | (uint32_t) p[4] << 24;
    if (n < 5 || n > available) {
        return bbq_fail(EBADMSG, "corrupt skip record at ring offset %u: it announces %u bytes, %u committed bytes there",
                        index, n, available);
    }
    *length = n;
    return 0;
}

/* Skip records over [start, start + length), the first byte last (R12, as R11). */
static inline void bbq_write_skip(bbq_queue *q, uint32_t start, uint32_t length) {
    unsigned char first;
    if (length >= 5) {
        q->data[start + 1] = (unsigned char) length;
        q->data[start + 2] = (unsigned char) (length >> 8);
        q->data[start + 3] = (unsigned char) (length >> 16);
        q->data[start + 4] = (unsigned char) (length >> 24);
        first = BBQ_SKIP_RECORD;
    } else {
        for (uint32_t i = length - 1; i > 0; i--) {
            q->data[start + i] = BBQ_SKIP_ONE;
        }
        first = BBQ_SKIP_ONE;
    }
    atomic_store_explicit(bbq_flag(q, start), first, memory_order_release); // R12: the record before its first byte
}

/* ---- Opening: trust and header checks (QueueFileSafety.checkTrusted, QueueFile.validate) ---- */

static inline int bbq_check_trusted(const struct stat *st, const char *path, int flags) {
    if (!S_ISREG(st->st_mode)) {
        return bbq_fail(EINVAL, "%s is not a regular file (a directory, device, pipe or socket)", path);
    }
    if (st->st_mode & S_IWOTH) {
        return bbq_fail(EACCES, "%s: users other than its owner and group may write it (mode %03o); such a file is "
                        "never accepted", path, (unsigned) (st->st_mode & 0777));
    }
    int shared = (flags & BBQ_SHARED_WITH_GROUP) != 0;
    int group_writes = (st->st_mode & S_IWGRP) != 0;
    if (group_writes && !shared) {
        return bbq_fail(EACCES, "%s: its group may write it (mode %03o); pass BBQ_SHARED_WITH_GROUP if that group is "
                        "meant to share the queue", path, (unsigned) (st->st_mode & 0777));
    }
    if (st->st_uid != geteuid() && !(shared && group_writes)) {
        return bbq_fail(EACCES, "%s is owned by another user (uid %u), not by this process's user (uid %u)%s", path,
                        (unsigned) st->st_uid, (unsigned) geteuid(), shared ? ", and not shared with its group" : "");
    }
    return 0;
}

static inline uint32_t bbq_u32_at(const unsigned char *h, int offset) {
    uint32_t v;
    memcpy(&v, h + offset, sizeof v); // native order, as Java's nativeOrder() views
    return v;
}
static inline int64_t bbq_i64_at(const unsigned char *h, int offset) {
    int64_t v;
    memcpy(&v, h + offset, sizeof v);
    return v;
}

static inline int bbq_check_index(const unsigned char *h, int offset, const char *what, uint32_t capacity, const char *path) {
    int32_t v = (int32_t) bbq_u32_at(h, offset);
    if (v < 0 || (uint32_t) v > capacity) {
        return bbq_fail(EBADMSG, "%s: its %s is %d, outside its %u-byte ring", path, what, v, capacity);
    }
    return 0;
}

/* QueueFile.validate: every field of the first BBQ_HEADER_LENGTH bytes, against the file's size. */
static inline int bbq_validate(const unsigned char *h, int64_t file_size, const char *path, uint32_t *capacity_out) {
    uint64_t magic;
    memcpy(&magic, h + BBQ_OFF_MAGIC, sizeof magic);
    if (magic != BBQ_MAGIC) {
        return bbq_fail(EBADMSG, "%s is not a bbq queue file (magic 0x%llx, expected 0x%llx)", path,
                        (unsigned long long) magic, (unsigned long long) BBQ_MAGIC);
    }
    uint32_t order = bbq_u32_at(h, BBQ_OFF_BYTE_ORDER);
    if (order != BBQ_BYTE_ORDER_MARK) {
        return bbq_fail(EBADMSG, "%s was written with the other byte order (mark 0x%x); open it on a machine of the "
                        "creator's byte order", path, order);
    }
    int32_t version = (int32_t) bbq_u32_at(h, BBQ_OFF_VERSION);
    if (version != BBQ_VERSION) {
        return bbq_fail(EBADMSG, "%s: its layout version is %d; this bbq reads version %d", path, version, BBQ_VERSION);
    }
    int32_t capacity = (int32_t) bbq_u32_at(h, BBQ_OFF_CAPACITY);
    if (capacity < 1 || capacity > BBQ_MAX_CAPACITY) {
        return bbq_fail(EBADMSG, "%s: its capacity field is %d", path, capacity);
    }
    int32_t data_offset = (int32_t) bbq_u32_at(h, BBQ_OFF_DATA_OFFSET);
    if (data_offset != BBQ_DATA_OFFSET) {
        return bbq_fail(EBADMSG, "%s: its data offset is %d, expected %d", path, data_offset, BBQ_DATA_OFFSET);
    }
    if (file_size < (int64_t) BBQ_DATA_OFFSET + capacity) {
        return bbq_fail(EBADMSG, "%s is truncated: %lld bytes, but a %d-byte queue needs %lld", path,
                        (long long) file_size, capacity, (long long) BBQ_DATA_OFFSET + capacity);
    }
    int32_t mode = (int32_t) bbq_u32_at(h, BBQ_OFF_MODE);
    if (mode != BBQ_MODE_UNSET && mode != BBQ_MODE_RAW && mode != BBQ_MODE_FRAMED) {
        return bbq_fail(EBADMSG, "%s: its mode field is %d", path, mode);
    }
    int32_t ready = (int32_t) bbq_u32_at(h, BBQ_OFF_READY);
    if (ready != 1) {
        return bbq_fail(EBADMSG, "%s is not ready (ready field %d): its creator has not finished, or died while "
                        "creating it", path, ready);
    }
    static const struct { int offset; const char *name; } longs[] = {
        {BBQ_OFF_PRODUCER_PID, "producer pid"}, {BBQ_OFF_CONSUMER_PID, "consumer pid"},
        {BBQ_OFF_PRODUCER_ATTACHES, "producer attaches"}, {BBQ_OFF_CONSUMER_ATTACHES, "consumer attaches"},
        {BBQ_OFF_FRAMES_CUT, "frames cut"}};
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        int64_t v = bbq_i64_at(h, longs[i].offset);
        if (v < 0) {
            return bbq_fail(EBADMSG, "%s: its %s field is %lld", path, longs[i].name, (long long) v);
        }
    }
    int err;
    if ((err = bbq_check_index(h, BBQ_OFF_WRITE, "write index", (uint32_t) capacity, path)) != 0
        || (err = bbq_check_index(h, BBQ_OFF_LAST, "watermark", (uint32_t) capacity, path)) != 0
        || (err = bbq_check_index(h, BBQ_OFF_READ, "read index", (uint32_t) capacity, path)) != 0
        || (err = bbq_check_index(h, BBQ_OFF_COMMIT_START, "commit start", (uint32_t) capacity, path)) != 0) {
        return err;
    }
    uint32_t closed[] = {bbq_u32_at(h, BBQ_OFF_PRODUCER_CLOSED), bbq_u32_at(h, BBQ_OFF_CONSUMER_CLOSED)};
    for (int i = 0; i < 2; i++) {
        if (closed[i] != 0 && closed[i] != 1) {
            return bbq_fail(EBADMSG, "%s: a half's closed flag is %u", path, closed[i]);
        }
    }
    *capacity_out = (uint32_t) capacity;
    return 0;
}

static inline int bbq_open_with(const char *path, int flags, bbq_queue **out) {
    if (path == NULL || out == NULL) {
        return bbq_fail(EINVAL, "bbq_open: path and out must not be NULL");
    }
    *out = NULL;
    // O_NOFOLLOW: a planted link is refused (QueueFileSafety); O_NONBLOCK: a planted fifo does not hang us.
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        int e = errno;
        if (e == EISDIR) {
            return bbq_fail(EINVAL, "%s is a directory, not a queue file", path);
        }
        if (e == ELOOP) {
            return bbq_fail(ELOOP, "%s is a symbolic link, and queue files are opened without following links; open "
                            "the file by its own path", path);
        }
        return bbq_fail(e, "cannot open %s: %s", path, strerror(e));
    }
    struct stat st;
    unsigned char header[BBQ_HEADER_LENGTH];
    uint32_t capacity = 0;
    int err;
    if (fstat(fd, &st) != 0) {
        err = bbq_fail(errno, "cannot stat %s: %s", path, strerror(errno));
    } else if ((err = bbq_check_trusted(&st, path, flags)) != 0) {
        // named by the check
    } else if (st.st_size < BBQ_DATA_OFFSET) {
        err = bbq_fail(EBADMSG, "%s is %lld bytes long, shorter than a queue file's %d-byte header", path,
                       (long long) st.st_size, BBQ_DATA_OFFSET);
    } else if (pread(fd, header, sizeof header, 0) != (ssize_t) sizeof header) {
        err = bbq_fail(EBADMSG, "%s: its header cannot be read", path);
    } else if ((err = bbq_validate(header, (int64_t) st.st_size, path, &capacity)) != 0) {
        // named by the check
    } else if ((uint64_t) BBQ_DATA_OFFSET + capacity > (uint64_t) SIZE_MAX) {
        err = bbq_fail(ENOMEM, "%s: a %u-byte queue cannot be mapped in this address space", path, capacity);
    }
    bbq_queue *q = NULL;
    if (err == 0) {
        q = aligned_alloc(BBQ_LINE, sizeof *q);
        if (q == NULL) {
            err = bbq_fail(ENOMEM, "bbq_open: out of memory");
        }
    }
    if (err == 0) {
        memset(q, 0, sizeof *q);
        q->map_length = (size_t) BBQ_DATA_OFFSET + capacity;
        void *map = mmap(NULL, q->map_length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map == MAP_FAILED) {
            err = bbq_fail(errno, "cannot map %s: %s", path, strerror(errno));
            free(q);
        } else {
            q->fd = fd;
            q->map = map;
            q->data = q->map + BBQ_DATA_OFFSET;
            q->capacity = capacity;
            q->max_frame_length = bbq_max_frame_for(capacity);
            *out = q;
            return 0;
        }
    }
    close(fd);
    return err;
}

static inline int bbq_open(const char *path, bbq_queue **out) {
    return bbq_open_with(path, 0, out);
}

static inline uint32_t bbq_capacity(const bbq_queue *q) { return q->capacity; }
static inline size_t bbq_max_frame_length(const bbq_queue *q) { return q->max_frame_length; }

/* On a slow path, at most every 10 ms: whether the file still has its length (QueueFile.checkSize). */
static inline int bbq_check_size(const bbq_queue *q, int64_t *next_check) {
    int64_t now = bbq_now_ns();
    if (now - *next_check < 0) {
        return 0;
    }
    *next_check = now + 10000000; // each side its own: the two may run on two threads
    struct stat st;
    if (fstat(q->fd, &st) != 0) {
        return bbq_fail(errno, "cannot read the size of the queue file: %s", strerror(errno));
    }
    if ((uint64_t) st.st_size < q->map_length) {
        return bbq_fail(EIO, "the queue file was truncated to %lld bytes while mapped (it needs %zu): another process "
                        "changed it; the queue cannot go on", (long long) st.st_size, q->map_length);
    }
    return 0;
}

/* ---- Halves: the mode, the kernel lock, the pid and attach fields (QueueFile.claim) ---- */

static inline int bbq_lock(bbq_queue *q, off_t position, short type) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = type;
    fl.l_whence = SEEK_SET;
    fl.l_start = position;
    fl.l_len = 1;
    fl.l_pid = 0; // OFD locks require 0
    return fcntl(q->fd, F_OFD_SETLK, &fl) == 0 ? 0 : -errno;
}

/* Takes a half's lock, retrying for 50 ms: another process's held() probe holds a free half's lock
 * for a few microseconds (QueueFile.lock). */
static inline int bbq_claim(bbq_queue *q, int producer, int mode) {
    const char *half = producer ? "producer" : "consumer";
    if (q == NULL) {
        return bbq_fail(EINVAL, "bbq_take: the queue is NULL");
    }
    if (producer ? q->holds_producer : q->holds_consumer) {
        return bbq_fail(EINVAL, "the %s half of this queue was already taken", half);
    }
    if (q->mode != BBQ_MODE_UNSET && q->mode != mode) {
        return bbq_fail(EINVAL, "this queue is %s: its halves are taken as %s", q->mode == BBQ_MODE_RAW ? "raw" : "framed",
                        q->mode == BBQ_MODE_RAW ? "raw" : "framed");
    }
    uint32_t expected = BBQ_MODE_UNSET;
    // Set-up only, never on the hot path: the first half taken chooses the mode.
    if (!atomic_compare_exchange_strong(bbq_word(q, BBQ_OFF_MODE), &expected, (uint32_t) mode) && expected != (uint32_t) mode) {
        return bbq_fail(EINVAL, "the queue is %s: its halves are taken with the %s calls",
                        expected == BBQ_MODE_RAW ? "raw" : "framed", expected == BBQ_MODE_RAW ? "raw" : "framed");
    }
    int64_t deadline = bbq_now_ns() + 50000000;
    int err;
    while ((err = bbq_lock(q, producer ? BBQ_LOCK_PRODUCER : BBQ_LOCK_CONSUMER, F_WRLCK)) == -EAGAIN || err == -EACCES) {
        if (bbq_now_ns() - deadline > 0) {
            int64_t pid = atomic_load_explicit(bbq_long(q, producer ? BBQ_OFF_PRODUCER_PID : BBQ_OFF_CONSUMER_PID),
                                               memory_order_acquire);
            return bbq_fail(EBUSY, "the %s half of the queue is held by process %lld (a half is taken by one process at "
                            "a time; it is free again when that process closes it or ends)", half, (long long) pid);
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    if (err != 0) {
        return bbq_fail(-err, "cannot lock the %s half of the queue: %s", half, strerror(-err));
    }
    atomic_store_explicit(bbq_long(q, producer ? BBQ_OFF_PRODUCER_PID : BBQ_OFF_CONSUMER_PID), (int64_t) getpid(),
                          memory_order_release);
    int attaches = producer ? BBQ_OFF_PRODUCER_ATTACHES : BBQ_OFF_CONSUMER_ATTACHES;
    // only the lock's holder writes it
    atomic_store_explicit(bbq_long(q, attaches), atomic_load_explicit(bbq_long(q, attaches), memory_order_acquire) + 1,
                          memory_order_release);
    q->mode = mode;
    return 0;
}

static inline void bbq_unlock(bbq_queue *q, int producer) {
    bbq_lock(q, producer ? BBQ_LOCK_PRODUCER : BBQ_LOCK_CONSUMER, F_UNLCK);
}

/* ---- Producer (Ring's producer side) ---- */

static inline void bbq_mark_wrap(bbq_queue *q, uint32_t old_write) {
    if (old_write < q->capacity) {
        // R11: the mark, after the watermark and the index it points to
        atomic_store_explicit(bbq_flag(q, old_write), BBQ_INDEX_MARK, memory_order_release);
    }
}

/* Ring.takeOverProducer: start from the words as they are, repair a commit cut by a death (R12). */
static inline void bbq_take_over_producer(bbq_queue *q, int framed) {
    q->p_write = bbq_get_acquire(q, BBQ_OFF_WRITE); // R2, R12: a successor starts from the published words
    q->p_last = bbq_get_acquire(q, BBQ_OFF_LAST); // R3
    q->p_read_cache = bbq_get_acquire(q, BBQ_OFF_READ); // R4, R7
    q->p_bytes_committed = bbq_counter(q, BBQ_OFF_P_BYTES_COMMITTED);
    q->p_frames_committed = bbq_counter(q, BBQ_OFF_P_FRAMES_COMMITTED);
    q->p_grants_refused = bbq_counter(q, BBQ_OFF_P_GRANTS_REFUSED);
    q->p_wait_nanos = bbq_counter(q, BBQ_OFF_P_WAIT_NANOS);
    q->p_high_water = bbq_counter(q, BBQ_OFF_P_HIGH_WATER);
    uint32_t w = q->p_write, r = q->p_read_cache, l = q->p_last;
    if (framed) {
        uint32_t cs = bbq_get_acquire(q, BBQ_OFF_COMMIT_START); // R12
        int committed = w >= r ? r <= cs && cs < w : cs < w;
        if (committed && atomic_load_explicit(bbq_flag(q, cs), memory_order_relaxed) == 0) {
            bbq_write_skip(q, cs, w - cs); // R12: the frame is [cs, w), the last commit the index ends with
            atomic_store_explicit(bbq_long(q, BBQ_OFF_FRAMES_CUT),
                                  atomic_load_explicit(bbq_long(q, BBQ_OFF_FRAMES_CUT), memory_order_acquire) + 1,
                                  memory_order_release); // the producer's lock holder only
        }
        if (w < r && l < q->capacity) {
            bbq_mark_wrap(q, l); // R11, R12
        }
    }
    if (bbq_get_acquire(q, BBQ_OFF_PRODUCER_CLOSED) != 0) { // R10, R12
        bbq_set_release(q, BBQ_OFF_PRODUCER_CLOSED, 0); // R1: the producer half's holder owns the flag
    }
    q->p_grant_open = 0;
}

static inline int bbq_take_producer_as(bbq_queue *q, int mode) {
    int err = bbq_claim(q, 1, mode);
    if (err == 0) {
        bbq_take_over_producer(q, mode == BBQ_MODE_FRAMED);
        q->holds_producer = 1;
    }
    return err;
}

static inline int bbq_take_frame_producer(bbq_queue *q) { return bbq_take_producer_as(q, BBQ_MODE_FRAMED); }
static inline int bbq_take_producer(bbq_queue *q) { return bbq_take_producer_as(q, BBQ_MODE_RAW); }

/* The producer's slow path: the consumer's index (R4) and the fill level. */
static inline uint32_t bbq_refresh_read(bbq_queue *q, uint32_t w) {
    uint32_t r = bbq_get_acquire(q, BBQ_OFF_READ); // R4: space seen free is free
    q->p_read_cache = r;
    int64_t in_use = w >= r ? (int64_t) w - r : (int64_t) q->p_last - r + w;
    if (in_use > q->p_high_water) {
        q->p_high_water = in_use;
        bbq_counter_set(q, BBQ_OFF_P_HIGH_WATER, in_use);
    }
    return r;
}

/* Where a grant of n bytes goes, or -1; overflow-free for n <= capacity (Ring.fitExact). */
static inline int64_t bbq_fit_exact(const bbq_queue *q, uint32_t n, uint32_t w, uint32_t r) {
    if (w < r) {
        return n < r - w ? (int64_t) w : -1; // inverted: R6
    }
    if (n <= q->capacity - w) {
        return w;
    }
    return n < r ? 0 : -1; // wrap early, skipping [w, capacity): R6
}

/* R8: on an empty ring where the request fits neither the tail nor the front, wrap with nothing. */
static inline void bbq_publish_empty_wrap(bbq_queue *q, uint32_t w) {
    atomic_store_explicit(bbq_flag(q, 0), 0, memory_order_relaxed); // R11: byte 0 is free; it must read "nothing yet"
    if (q->p_last != w) {
        q->p_last = w;
        bbq_set_release(q, BBQ_OFF_LAST, w); // R3: before write
    }
    q->p_write = 0;
    bbq_set_release(q, BBQ_OFF_WRITE, 0); // R3
    bbq_mark_wrap(q, w);
}

static inline int bbq_grant_exact(bbq_queue *q, uint32_t n) {
    uint32_t w = q->p_write;
    int64_t start = bbq_fit_exact(q, n, w, q->p_read_cache);
    if (start < 0) {
        uint32_t r = bbq_refresh_read(q, w);
        start = bbq_fit_exact(q, n, w, r);
        if (start < 0) {
            if (r == w) {
                bbq_publish_empty_wrap(q, w); // R8
            }
            q->p_grants_refused++;
            bbq_counter_set(q, BBQ_OFF_P_GRANTS_REFUSED, q->p_grants_refused);
            return 0;
        }
    }
    q->p_grant_start = (uint32_t) start;
    return 1;
}

/* Ring.commit: publishes `used` bytes of the open grant as `frames` frames. */
static inline void bbq_commit_raw(bbq_queue *q, uint32_t used, uint32_t frames) {
    if (used == 0) {
        return; // I4: nothing was published at grant time
    }
    uint32_t start = q->p_grant_start, w = q->p_write, nw = start + used;
    if (start != w) {
        // This grant wrapped: the tail [w, capacity) is skipped and w becomes the watermark.
        if (q->p_last != w) {
            q->p_last = w;
            bbq_set_release(q, BBQ_OFF_LAST, w); // R3: the watermark before the write that needs it
        }
    } else if (nw > q->p_last) {
        q->p_last = q->capacity; // straight and past a stale watermark
        bbq_set_release(q, BBQ_OFF_LAST, q->capacity); // R3
    }
    q->p_write = nw;
    q->p_bytes_committed += used;
    q->p_frames_committed += frames;
    bbq_counter_set(q, BBQ_OFF_P_BYTES_COMMITTED, q->p_bytes_committed);
    bbq_counter_set(q, BBQ_OFF_P_FRAMES_COMMITTED, q->p_frames_committed);
    bbq_set_release(q, BBQ_OFF_WRITE, nw); // R2: publishes the bytes (and R3: the watermark)
    if (start != w) {
        bbq_mark_wrap(q, w); // R11
    }
}

/* Ring.commitFrame for a frame of `length` bytes whose payload is at start + width. */
static inline void bbq_commit_frame(bbq_queue *q, uint32_t start, uint32_t width, uint32_t length) {
    unsigned char first = bbq_encode_all_but_first(q->data + start, width, length);
    uint32_t end = start + width + length;
    // R12: before anything of this commit is published, so a successor finds it after a death.
    bbq_set_opaque(q, BBQ_OFF_COMMIT_START, start); // R12
    if (start != q->p_write) {
        atomic_store_explicit(bbq_flag(q, start), 0, memory_order_relaxed); // R11: after a wrap it may hold old bytes
    }
    if (end < q->capacity) {
        atomic_store_explicit(bbq_flag(q, end), 0, memory_order_relaxed); // R11: the next flag byte
    }
    bbq_commit_raw(q, end - start, 1); // R2: the index first, so it is never behind a visible flag
#ifdef BBQ_TEST_AFTER_INDEX
    BBQ_TEST_AFTER_INDEX(); /* tests only: a death between the index and the flag (R12) */
#endif
    atomic_store_explicit(bbq_flag(q, start), first, memory_order_release); // R11: the flag, after the index
}

static inline int bbq_check_producer(bbq_queue *q, int mode) {
    if (q == NULL || !q->holds_producer) {
        return bbq_fail(EINVAL, "this handle does not hold the producer half (take it first)");
    }
    if (q->mode != mode) {
        return bbq_fail(EINVAL, "this queue is %s: use the %s calls", q->mode == BBQ_MODE_RAW ? "raw" : "framed",
                        q->mode == BBQ_MODE_RAW ? "raw" : "framed");
    }
    if (q->p_grant_open) {
        return bbq_fail(EINVAL, "a write grant is already open: commit or drop it first");
    }
    return 0;
}

static inline int bbq_check_frame_length(const bbq_queue *q, size_t len) {
    if (len > q->max_frame_length) {
        return bbq_fail(EMSGSIZE, "a frame of %zu bytes: the largest frame a %u-byte queue can hold is %u", len,
                        q->capacity, q->max_frame_length);
    }
    return 0;
}

static inline int bbq_try_grant(bbq_queue *q, size_t max_len, void **buf) {
    if (buf == NULL) {
        return bbq_fail(EINVAL, "bbq_try_grant: buf must not be NULL");
    }
    *buf = NULL; // defined on every return
    int err = bbq_check_producer(q, BBQ_MODE_FRAMED);
    if (err == 0) {
        err = bbq_check_frame_length(q, max_len);
    }
    if (err != 0) {
        return err;
    }
    uint32_t width = bbq_header_width((uint32_t) max_len);
    if (!bbq_grant_exact(q, width + (uint32_t) max_len)) {
        return bbq_check_size(q, &q->p_next_size_check);
    }
    q->p_grant_open = 1;
    q->p_grant_width = width;
    q->p_grant_max = (uint32_t) max_len;
    *buf = q->data + q->p_grant_start + width;
    return 1;
}

static inline int bbq_commit(bbq_queue *q, size_t len) {
    if (q == NULL || !q->holds_producer || !q->p_grant_open || q->mode != BBQ_MODE_FRAMED) {
        return bbq_fail(EINVAL, "bbq_commit: no frame grant is open");
    }
    if (len > q->p_grant_max) {
        return bbq_fail(EINVAL, "bbq_commit: %zu bytes, but the grant holds %u", len, q->p_grant_max);
    }
    q->p_grant_open = 0;
    bbq_commit_frame(q, q->p_grant_start, q->p_grant_width, (uint32_t) len);
    return 0;
}

static inline int bbq_drop_grant(bbq_queue *q) {
    if (q == NULL) {
        return bbq_fail(EINVAL, "bbq_drop_grant: the queue is NULL");
    }
    q->p_grant_open = 0; // I4: nothing was published at grant time
    return 0;
}

static inline int bbq_try_write(bbq_queue *q, const void *frame, size_t len) {
    if (frame == NULL && len != 0) {
        return bbq_fail(EINVAL, "bbq_try_write: frame is NULL");
    }
    int err = bbq_check_producer(q, BBQ_MODE_FRAMED);
    if (err == 0) {
        err = bbq_check_frame_length(q, len);
    }
    if (err != 0) {
        return err;
    }
    uint32_t width = bbq_header_width((uint32_t) len);
    if (!bbq_grant_exact(q, width + (uint32_t) len)) {
        return bbq_check_size(q, &q->p_next_size_check);
    }
    if (len != 0) {
        memcpy(q->data + q->p_grant_start + width, frame, len);
    }
    bbq_commit_frame(q, q->p_grant_start, width, (uint32_t) len);
    return 1;
}

/* The next pause's round, stopping at INT_MAX: a wait idle for weeks stays in its deepest phase
 * (and a signed overflow would be undefined behaviour). */
static inline int bbq_next_round(int round) {
    return round == INT_MAX ? round : round + 1;
}

/* The sleep numbered parked (0 for the first) of WaitStrategy.backoff(): from 1 us doubling to 1 ms;
 * after 250 sleeps of 1 ms (a quarter second of nothing) on doubling to 8 ms, so that an idle side
 * costs a look every 8 ms (Java's BackoffWait idle phase). bbq_pause returns the time left before
 * it, <= 0 when the time is up. */
static inline int64_t bbq_backoff_park_ns(int parked) {
    if (parked < 10 + 250) {
        int64_t park = (int64_t) 1000 << (parked < 10 ? parked : 10);
        return park > 1000000 ? 1000000 : park;
    }
    int deeper = parked - (10 + 250) + 1;
    return deeper >= 3 ? 8000000 : (int64_t) 1000000 << deeper;
}

/* One pause: spin for the first 64 rounds, then sleep bbq_backoff_park_ns (at most the time left). */
static inline int64_t bbq_pause(int round, int64_t start, int64_t timeout_ns) {
    int64_t remaining = timeout_ns - (bbq_now_ns() - start);
    if (remaining <= 0 || round < 64) {
        return remaining;
    }
    int64_t park = bbq_backoff_park_ns(round - 64);
    if (park > remaining) {
        park = remaining;
    }
    struct timespec t = {(time_t) (park / 1000000000), (long) (park % 1000000000)};
    nanosleep(&t, NULL);
    return remaining;
}

static inline int bbq_write(bbq_queue *q, const void *frame, size_t len, int64_t timeout_ns) {
    int result = bbq_try_write(q, frame, len);
    if (result != 0) {
        return result; // no wait to count
    }
    int64_t start = bbq_now_ns();
    for (int round = 0; (result = bbq_try_write(q, frame, len)) == 0; round = bbq_next_round(round)) {
        if (bbq_pause(round, start, timeout_ns) <= 0) {
            break;
        }
    }
    if (q->holds_producer) {
        q->p_wait_nanos += bbq_now_ns() - start;
        bbq_counter_set(q, BBQ_OFF_P_WAIT_NANOS, q->p_wait_nanos);
    }
    return result;
}

/* Raw grants (Ring.grantExact, Ring.grantMax). */
static inline int bbq_try_grant_exact(bbq_queue *q, size_t n, void **buf) {
    if (buf == NULL) {
        return bbq_fail(EINVAL, "bbq_try_grant_exact: buf must not be NULL");
    }
    *buf = NULL; // defined on every return
    int err = bbq_check_producer(q, BBQ_MODE_RAW);
    if (err != 0) {
        return err;
    }
    if (n < 1 || n > q->capacity) {
        return bbq_fail(EINVAL, "bbq_try_grant_exact: %zu bytes, must be 1 to the capacity %u", n, q->capacity);
    }
    if (!bbq_grant_exact(q, (uint32_t) n)) {
        return bbq_check_size(q, &q->p_next_size_check);
    }
    q->p_grant_open = 1;
    q->p_grant_max = (uint32_t) n;
    *buf = q->data + q->p_grant_start;
    return 1;
}

static inline uint32_t bbq_fit_max(bbq_queue *q, uint32_t max, uint32_t w, uint32_t r) {
    if (w < r) {
        q->p_grant_start = w;
        return max < r - w - 1 ? max : r - w - 1; // R6
    }
    uint32_t tail = q->capacity - w;
    uint32_t front = r > 0 ? r - 1 : 0; // R6: a grant at 0 must end before read
    if (tail >= max || tail >= front) {
        q->p_grant_start = w;
        return max < tail ? max : tail;
    }
    q->p_grant_start = 0;
    return max < front ? max : front;
}

static inline int bbq_try_grant_max(bbq_queue *q, size_t max, void **buf, size_t *len) {
    if (buf == NULL || len == NULL) {
        return bbq_fail(EINVAL, "bbq_try_grant_max: buf and len must not be NULL");
    }
    *buf = NULL; // defined on every return
    *len = 0;
    int err = bbq_check_producer(q, BBQ_MODE_RAW);
    if (err != 0) {
        return err;
    }
    if (max < 1) {
        return bbq_fail(EINVAL, "bbq_try_grant_max: max must be at least 1");
    }
    uint32_t m = max > q->capacity ? q->capacity : (uint32_t) max;
    uint32_t w = q->p_write;
    uint32_t n = bbq_fit_max(q, m, w, q->p_read_cache);
    if (n < m) {
        uint32_t r = bbq_refresh_read(q, w);
        n = bbq_fit_max(q, m, w, r);
        if (n == 0 && r == w) {
            bbq_publish_empty_wrap(q, w); // R8 (only a ring of capacity 1 gets here)
        }
    }
    if (n == 0) {
        q->p_grants_refused++;
        bbq_counter_set(q, BBQ_OFF_P_GRANTS_REFUSED, q->p_grants_refused);
        return bbq_check_size(q, &q->p_next_size_check);
    }
    q->p_grant_open = 1;
    q->p_grant_max = n;
    *buf = q->data + q->p_grant_start;
    *len = n;
    return 1;
}

static inline int bbq_commit_bytes(bbq_queue *q, size_t used) {
    if (q == NULL || !q->holds_producer || !q->p_grant_open || q->mode != BBQ_MODE_RAW) {
        return bbq_fail(EINVAL, "bbq_commit_bytes: no raw grant is open");
    }
    if (used > q->p_grant_max) {
        return bbq_fail(EINVAL, "bbq_commit_bytes: %zu bytes, but the grant holds %u", used, q->p_grant_max);
    }
    q->p_grant_open = 0;
    bbq_commit_raw(q, (uint32_t) used, 0);
    return 0;
}

static inline int bbq_close_producer(bbq_queue *q) {
    if (q == NULL || !q->holds_producer) {
        return bbq_fail(EINVAL, "bbq_close_producer: this handle does not hold the producer half");
    }
    q->p_grant_open = 0;
    bbq_set_release(q, BBQ_OFF_PRODUCER_CLOSED, 1); // R10: after every commit
    bbq_unlock(q, 1); // after the flag: a successor reopens the stream (R12)
    q->holds_producer = 0;
    return 0;
}

/* ---- Consumer (Ring's consumer side) ---- */

static inline void bbq_take_over_consumer(bbq_queue *q) {
    q->c_read = bbq_get_acquire(q, BBQ_OFF_READ); // R4, R12
    q->c_write = bbq_get_acquire(q, BBQ_OFF_WRITE); // R2
    q->c_last = bbq_get_acquire(q, BBQ_OFF_LAST); // R3: after write
    q->c_bytes_released = bbq_counter(q, BBQ_OFF_C_BYTES_RELEASED);
    q->c_frames_released = bbq_counter(q, BBQ_OFF_C_FRAMES_RELEASED);
    q->c_wait_nanos = bbq_counter(q, BBQ_OFF_C_WAIT_NANOS);
    q->c_high_water = bbq_counter(q, BBQ_OFF_C_HIGH_WATER);
    q->c_grant_open = 0;
}

static inline int bbq_take_consumer_as(bbq_queue *q, int mode) {
    int err = bbq_claim(q, 0, mode);
    if (err == 0) {
        bbq_take_over_consumer(q);
        q->holds_consumer = 1;
    }
    return err;
}

static inline int bbq_take_frame_consumer(bbq_queue *q) { return bbq_take_consumer_as(q, BBQ_MODE_FRAMED); }
static inline int bbq_take_consumer(bbq_queue *q) { return bbq_take_consumer_as(q, BBQ_MODE_RAW); }

static inline void bbq_publish_read(bbq_queue *q, uint32_t new_read) {
    bbq_set_release(q, BBQ_OFF_READ, new_read); // R4: our reads of the released bytes come first
}

/* Ring.readable: the committed bytes that follow pos, at q->c_start; follows the watermark (R5). */
static inline uint32_t bbq_readable(bbq_queue *q, uint32_t pos, int refresh) {
    uint32_t w = q->c_write, l = q->c_last;
    if (refresh || (w < pos ? pos == l : pos == w)) {
        w = bbq_get_acquire(q, BBQ_OFF_WRITE); // R2: bytes up to w are visible
        l = bbq_get_acquire(q, BBQ_OFF_LAST); // R3: after write, so it matches w
        q->c_write = w;
        q->c_last = l;
        uint32_t r = q->c_read;
        int64_t in_use = w >= r ? (int64_t) w - r : (int64_t) l - r + w;
        if (in_use > q->c_high_water) {
            q->c_high_water = in_use;
            bbq_counter_set(q, BBQ_OFF_C_HIGH_WATER, in_use);
        }
    }
    if (w < pos && pos == l) {
        // R5: the upper region is used up and the producer has wrapped.
        if (pos == q->c_read) {
            q->c_read = 0;
            bbq_publish_read(q, 0); // R5
        }
        pos = 0;
    }
    q->c_start = pos;
    return (w < pos ? l : w) - pos;
}

/* Ring.releaseTo: releases everything before new_read, counting `frames`. */
static inline void bbq_release_to(bbq_queue *q, uint32_t new_read, uint32_t frames) {
    uint32_t r = q->c_read;
    int64_t bytes = new_read >= r ? (int64_t) new_read - r : (int64_t) q->c_last - r + new_read;
    q->c_read = new_read;
    q->c_bytes_released += bytes;
    q->c_frames_released += frames;
    bbq_counter_set(q, BBQ_OFF_C_BYTES_RELEASED, q->c_bytes_released);
    bbq_counter_set(q, BBQ_OFF_C_FRAMES_RELEASED, q->c_frames_released);
    bbq_publish_read(q, new_read); // R4
}

/* Ring.findFrames: committed bytes at pos whose first frame's flag is visible (R11); 0 if none.
 * Sets *first to that frame's first byte. A negative result is an error. */
static inline int64_t bbq_find_frames(bbq_queue *q, uint32_t pos, unsigned char *first) {
    uint32_t w = q->c_write, l = q->c_last;
    uint32_t available;
    if (w < pos ? pos != l : pos != w) {
        q->c_start = pos;
        available = (w < pos ? l : w) - pos;
    } else if (w == pos && pos < q->capacity) {
        // R11: peek at the producer's write position; acquire, so the header's loads come after it.
        unsigned char peek = atomic_load_explicit(bbq_flag(q, pos), memory_order_acquire);
        if (peek != BBQ_INDEX_MARK) {
            q->c_start = pos;
            *first = peek;
            if (peek == 0) {
                return 0; // R11: nothing has happened at the producer's write position
            }
            uint32_t width = 0, length = 0;
            int err = bbq_is_skip(peek) ? bbq_skip_length(q, pos, peek, q->capacity - pos, &length)
                                        : bbq_decode(q, pos, peek, q->capacity - pos, &width, &length);
            if (err != 0) {
                return err;
            }
            uint32_t end = pos + (bbq_is_skip(peek) ? length : width + length);
            q->c_write = end; // R12, R11: the index is published before the flag, so it is at least this far
            return end - pos;
        }
        available = bbq_readable(q, pos, 1);
    } else {
        available = bbq_readable(q, pos, 1);
    }
    if (available == 0) {
        return 0;
    }
    // R11: the index is published before the flag, so the first frame may still be on its way.
    *first = atomic_load_explicit(bbq_flag(q, q->c_start), memory_order_acquire);
    return *first == 0 ? 0 : (int64_t) available; // 0: the flag is still on its way
}

/* Ring.readableFrames: as find_frames, releasing skip records (R12) without delivering them. */
static inline int64_t bbq_readable_frames(bbq_queue *q, uint32_t pos, unsigned char *first) {
    while (1) {
        int64_t available = bbq_find_frames(q, pos, first);
        if (available <= 0 || !bbq_is_skip(*first)) {
            return available;
        }
        if (q->c_start != q->c_read) {
            return 0;
        }
        uint32_t skip = 0;
        int err = bbq_skip_length(q, q->c_start, *first, (uint32_t) available, &skip);
        if (err != 0) {
            return err;
        }
        pos = q->c_start + skip;
        bbq_release_to(q, pos, 0);
    }
}

static inline int bbq_producer_closed(const bbq_queue *q) {
    return bbq_get_acquire(q, BBQ_OFF_PRODUCER_CLOSED) != 0; // R10
}

static inline int bbq_check_consumer(bbq_queue *q, int mode) {
    if (q == NULL || !q->holds_consumer) {
        return bbq_fail(EINVAL, "this handle does not hold the consumer half (take it first)");
    }
    if (q->mode != mode) {
        return bbq_fail(EINVAL, "this queue is %s: use the %s calls", q->mode == BBQ_MODE_RAW ? "raw" : "framed",
                        q->mode == BBQ_MODE_RAW ? "raw" : "framed");
    }
    if (q->c_grant_open) {
        return bbq_fail(EINVAL, "a read is still open: release it first");
    }
    return 0;
}

/* One look for a frame; when there is none and the producer has closed, one more look after the
 * flag (R10) decides between "none yet" and the end of the stream. */
static inline int bbq_look_frame(bbq_queue *q, const void **frame, size_t *len, int after_close) {
    unsigned char first = 0;
    int64_t available = bbq_readable_frames(q, q->c_read, &first);
    if (available < 0) {
        return (int) available;
    }
    if (available == 0) {
        int err = bbq_check_size(q, &q->c_next_size_check);
        if (err != 0) {
            return err;
        }
        if (!after_close && bbq_producer_closed(q)) { // R10
            bbq_readable(q, q->c_read, 1);
            int more = bbq_look_frame(q, frame, len, 1);
            return more == 0 ? bbq_fail(EPIPE, "end of stream: the producer has closed") : more;
        }
        return 0;
    }
    uint32_t width = 0, length = 0;
    int err = bbq_decode(q, q->c_start, first, (uint32_t) available, &width, &length);
    if (err != 0) {
        return err;
    }
    q->c_grant_open = 1;
    q->c_grant_end = q->c_start + width + length;
    *frame = q->data + q->c_start + width;
    *len = length;
    return 1;
}

/* The checks every read makes first; its outputs are defined on every return. */
static inline int bbq_begin_read(bbq_queue *q, int mode, const void **out, size_t *len, const char *call) {
    if (out == NULL || len == NULL) {
        return bbq_fail(EINVAL, "%s: its output pointers must not be NULL", call);
    }
    *out = NULL;
    *len = 0;
    return bbq_check_consumer(q, mode);
}

static inline int bbq_try_read(bbq_queue *q, const void **frame, size_t *len) {
    int err = bbq_begin_read(q, BBQ_MODE_FRAMED, frame, len, "bbq_try_read");
    return err != 0 ? err : bbq_look_frame(q, frame, len, 0);
}

static inline int bbq_release(bbq_queue *q) {
    if (q == NULL || !q->holds_consumer || !q->c_grant_open || q->mode != BBQ_MODE_FRAMED) {
        return bbq_fail(EINVAL, "bbq_release: no frame read is open");
    }
    q->c_grant_open = 0;
    bbq_release_to(q, q->c_grant_end, 1);
    return 0;
}

/* Waits by backoff for a call that returns 0 while there is nothing yet. */
static inline int bbq_wait_read(bbq_queue *q, int (*attempt)(bbq_queue *, const void **, size_t *), const void **buf,
                         size_t *len, int64_t timeout_ns) {
    int result = attempt(q, buf, len);
    if (result != 0) {
        return result; // no wait to count
    }
    int64_t start = bbq_now_ns();
    for (int round = 0; (result = attempt(q, buf, len)) == 0; round = bbq_next_round(round)) {
        if (bbq_pause(round, start, timeout_ns) <= 0) {
            break;
        }
    }
    if (q->holds_consumer) {
        q->c_wait_nanos += bbq_now_ns() - start;
        bbq_counter_set(q, BBQ_OFF_C_WAIT_NANOS, q->c_wait_nanos);
    }
    return result;
}

static inline int bbq_read(bbq_queue *q, const void **frame, size_t *len, int64_t timeout_ns) {
    return bbq_wait_read(q, bbq_try_read, frame, len, timeout_ns);
}

/* Raw reads: the contiguous committed bytes at the read position. */
static inline int bbq_look_bytes(bbq_queue *q, const void **buf, size_t *len, int after_close) {
    uint32_t available = bbq_readable(q, q->c_read, after_close);
    if (available == 0) {
        int err = bbq_check_size(q, &q->c_next_size_check);
        if (err != 0) {
            return err;
        }
        if (!after_close && bbq_producer_closed(q)) { // R10: look once more after the flag
            int more = bbq_look_bytes(q, buf, len, 1);
            return more == 0 ? bbq_fail(EPIPE, "end of stream: the producer has closed") : more;
        }
        return 0;
    }
    q->c_grant_open = 1;
    q->c_grant_end = q->c_start + available;
    *buf = q->data + q->c_start;
    *len = available;
    return 1;
}

static inline int bbq_try_read_bytes(bbq_queue *q, const void **buf, size_t *len) {
    int err = bbq_begin_read(q, BBQ_MODE_RAW, buf, len, "bbq_try_read_bytes");
    return err != 0 ? err : bbq_look_bytes(q, buf, len, 0);
}

static inline int bbq_read_bytes(bbq_queue *q, const void **buf, size_t *len, int64_t timeout_ns) {
    return bbq_wait_read(q, bbq_try_read_bytes, buf, len, timeout_ns);
}

static inline int bbq_release_bytes(bbq_queue *q, size_t n) {
    if (q == NULL || !q->holds_consumer || !q->c_grant_open || q->mode != BBQ_MODE_RAW) {
        return bbq_fail(EINVAL, "bbq_release_bytes: no raw read is open");
    }
    if (n > q->c_grant_end - q->c_start) {
        return bbq_fail(EINVAL, "bbq_release_bytes: %zu bytes, but the read holds %u", n, q->c_grant_end - q->c_start);
    }
    q->c_grant_open = 0;
    if (n != 0) {
        bbq_release_to(q, q->c_start + (uint32_t) n, 0);
    }
    return 0;
}

static inline int bbq_close_consumer(bbq_queue *q) {
    if (q == NULL || !q->holds_consumer) {
        return bbq_fail(EINVAL, "bbq_close_consumer: this handle does not hold the consumer half");
    }
    // A queue file's consumer detaches: no flag; the producer waits until another consumer attaches.
    q->c_grant_open = 0;
    bbq_unlock(q, 0);
    q->holds_consumer = 0;
    return 0;
}

static inline int bbq_close(bbq_queue *q) {
    if (q == NULL) {
        return 0;
    }
    if (q->holds_producer) {
        bbq_close_producer(q);
    }
    if (q->holds_consumer) {
        bbq_close_consumer(q);
    }
    munmap(q->map, q->map_length);
    int result = close(q->fd) == 0 ? 0 : -errno;
    free(q);
    return result;
}

#ifdef __cplusplus
}
#endif

#endif /* BBQ_H */
