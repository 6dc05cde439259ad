/*
 * A C-only test of bbq.h, built by SanitizerTest as is, with -fsanitize=thread and with
 * -fsanitize=address,undefined:
 *
 *   bbq_selftest MISUSE_PATH FRAMED_PATH RAW_PATH FRAMES BYTES
 *
 * All three are fresh queue files (createMapped). First the calls a caller can get wrong, each
 * refused with a clear error while the queue stays usable; then a producer thread and a consumer
 * thread move FRAMES test frames through the framed file and BYTES bytes through the raw one,
 * checking every frame and byte. The two threads share one handle, and so one mapping: a sanitizer
 * knows memory by its virtual address, and two mappings of one file would hide every race between
 * them from ThreadSanitizer.
 */
#define _POSIX_C_SOURCE 200809L

#include "bbq.h"
#include "frames.h"

#include <pthread.h>

#define TIMEOUT_NS INT64_C(120000000000)

static _Atomic int failures; /* both threads may count */

static void expect(int ok, const char *what, int rc) {
    if (!ok) {
        fprintf(stderr, "FAILED: %s (rc %d: %s)\n", what, rc, bbq_last_error());
        failures++;
    }
}

/* Wrong calls are refused with -EINVAL (or the named errno), and change nothing. */
static void misuse(const char *framed_path) {
    bbq_queue *p = NULL, *c = NULL, *other = NULL;
    int rc = bbq_open(framed_path, &p);
    expect(rc == 0, "open", rc);
    rc = bbq_open(framed_path, &c);
    expect(rc == 0, "open a second handle", rc);
    rc = bbq_open(framed_path, &other);
    expect(rc == 0, "open a third handle", rc);

    const void *frame;
    size_t len;
    void *buf;
    rc = bbq_try_write(p, "x", 1);
    expect(rc == -EINVAL, "a write before the producer half is taken", rc);
    rc = bbq_take_frame_producer(p);
    expect(rc == 0, "take the producer", rc);
    rc = bbq_take_frame_producer(other);
    expect(rc == -EBUSY, "a second handle cannot take a held half", rc);
    expect(strstr(bbq_last_error(), "held by process") != NULL, "EBUSY names the holder", rc);
    rc = bbq_take_producer(other);
    expect(rc == -EINVAL, "a framed queue refuses raw halves", rc);
    rc = bbq_take_frame_consumer(c);
    expect(rc == 0, "take the consumer", rc);

    rc = bbq_try_write(p, NULL, 5);
    expect(rc == -EINVAL, "a NULL frame", rc);
    rc = bbq_try_write(p, "x", bbq_max_frame_length(p) + 1);
    expect(rc == -EMSGSIZE, "a frame larger than the ring can hold", rc);
    rc = bbq_commit(p, 1);
    expect(rc == -EINVAL, "a commit without a grant", rc);
    rc = bbq_try_grant(p, 8, &buf);
    expect(rc == 1, "a grant", rc);
    rc = bbq_try_grant(p, 8, &buf);
    expect(rc == -EINVAL, "a second grant while one is open", rc);
    rc = bbq_commit(p, 9);
    expect(rc == -EINVAL, "a commit of more than the grant holds", rc);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == 0, "nothing is published at grant time", rc);
    rc = bbq_drop_grant(p);
    expect(rc == 0, "a grant dropped", rc);
    rc = bbq_release(c);
    expect(rc == -EINVAL, "a release without a read", rc);
    rc = bbq_try_read(p, &frame, &len);
    expect(rc == -EINVAL, "a read on the producer's handle", rc);
    rc = bbq_try_read_bytes(c, &frame, &len);
    expect(rc == -EINVAL, "a raw read of a framed queue", rc);

    // After all that, the queue works: an empty frame and a full-size one.
    rc = bbq_try_write(p, "", 0);
    expect(rc == 1, "an empty frame", rc);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == 1 && len == 0, "the empty frame arrives", rc);
    expect(bbq_release(c) == 0, "release", 0);
    rc = bbq_try_grant(p, 100, &buf);
    expect(rc == 1, "a grant after the misuse", rc);
    memset(buf, 0xab, 100);
    expect(bbq_commit(p, 60) == 0, "a commit of fewer bytes than granted", 0);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == 1 && len == 60 && ((const unsigned char *) frame)[59] == 0xab, "the shortened frame arrives", rc);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == -EINVAL, "a second read while one is open", rc);
    expect(bbq_release(c) == 0, "release", 0);
    rc = bbq_read(c, &frame, &len, 1000000);
    expect(rc == 0, "a blocking read times out on an empty queue", rc);

    // The producer's close ends the stream; a successor reopens it (R10, R12).
    expect(bbq_close(p) == 0, "close the producer", 0);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == -EPIPE, "the end of the stream", rc);
    rc = bbq_take_frame_producer(other);
    expect(rc == 0, "a successor takes the producer half", rc);
    rc = bbq_try_read(c, &frame, &len);
    expect(rc == 0, "the successor reopened the stream", rc);
    expect(bbq_close(other) == 0 && bbq_close(c) == 0, "close", 0);
}

struct side {
    bbq_queue *q; /* both halves taken; each thread uses one */
    long long count;
};

static void *produce_frames(void *arg) {
    struct side *s = arg;
    bbq_queue *q = s->q;
    int rc = 0;
    unsigned char frame[FRAME_MAX];
    for (long long seq = 0; rc == 0 && seq < s->count; seq++) {
        size_t n = frame_make(frame, 2, (uint64_t) seq);
        if (seq % 2 == 0) {
            rc = bbq_write(q, frame, n, TIMEOUT_NS) == 1 ? 0 : -ETIMEDOUT;
            continue;
        }
        void *buf = NULL;
        int64_t start = bbq_now_ns();
        for (int round = 0; (rc = bbq_try_grant(q, n, &buf)) == 0; round++) {
            if (bbq_pause(round, start, TIMEOUT_NS) <= 0) {
                break;
            }
        }
        if (rc == 1) {
            memcpy(buf, frame, n);
            rc = bbq_commit(q, n);
        } else {
            rc = rc == 0 ? -ETIMEDOUT : rc;
        }
    }
    expect(rc == 0, "the producer thread", rc);
    bbq_close_producer(q); // the end of the stream
    return NULL;
}

static void *consume_frames(void *arg) {
    struct side *s = arg;
    bbq_queue *q = s->q;
    int rc = 0;
    long long frames = 0;
    const void *frame;
    size_t len;
    while (rc == 0 && (rc = bbq_read(q, &frame, &len, TIMEOUT_NS)) == 1) {
        uint32_t run;
        uint64_t seq;
        if (frame_check(frame, len, &run, &seq) != 0 || run != 2 || seq != (uint64_t) frames) {
            fprintf(stderr, "FAILED: frame %lld is wrong (%zu bytes)\n", frames, len);
            failures++;
            break;
        }
        frames++;
        rc = bbq_release(q);
    }
    expect(rc == -EPIPE && frames == s->count, "the consumer thread reads every frame, then the end", rc);
    return NULL;
}

static void *produce_bytes(void *arg) {
    struct side *s = arg;
    bbq_queue *q = s->q;
    int rc = 0;
    long long sent = 0;
    int64_t start = bbq_now_ns();
    for (int round = 0; rc == 0 && sent < s->count; round++) {
        void *buf = NULL;
        size_t len = 0;
        size_t want = 1 + (size_t) (sent % 113);
        if ((long long) want > s->count - sent) {
            want = (size_t) (s->count - sent);
        }
        int granted = bbq_try_grant_max(q, want, &buf, &len);
        if (granted == 0) {
            rc = bbq_pause(round, start, TIMEOUT_NS) > 0 ? 0 : -ETIMEDOUT;
            continue;
        }
        if (granted < 0) {
            rc = granted;
            break;
        }
        for (size_t i = 0; i < len; i++) {
            ((unsigned char *) buf)[i] = (unsigned char) ((sent + (long long) i) * 7);
        }
        rc = bbq_commit_bytes(q, len);
        sent += (long long) len;
        round = -1;
        start = bbq_now_ns();
    }
    expect(rc == 0, "the raw producer thread", rc);
    bbq_close_producer(q);
    return NULL;
}

static void *consume_bytes(void *arg) {
    struct side *s = arg;
    bbq_queue *q = s->q;
    int rc = 0;
    long long received = 0;
    const void *buf;
    size_t len;
    while (rc == 0 && (rc = bbq_read_bytes(q, &buf, &len, TIMEOUT_NS)) == 1) {
        // Releases part of what it got now and then: the rest comes again.
        size_t take = len > 1 && received % 3 == 0 ? len / 2 : len;
        for (size_t i = 0; i < take; i++, received++) {
            if (((const unsigned char *) buf)[i] != (unsigned char) (received * 7)) {
                fprintf(stderr, "FAILED: byte %lld is wrong\n", received);
                failures++;
                rc = -EBADMSG;
                break;
            }
        }
        if (rc == 1) {
            rc = bbq_release_bytes(q, take);
        }
    }
    expect(rc == -EPIPE && received == s->count, "the raw consumer thread reads every byte, then the end", rc);
    return NULL;
}

static void run_pair(void *(*producer)(void *), void *(*consumer)(void *), const char *path, int framed,
                     long long count) {
    bbq_queue *q = NULL;
    int rc = bbq_open(path, &q);
    if (rc == 0) {
        rc = framed ? bbq_take_frame_producer(q) : bbq_take_producer(q);
    }
    if (rc == 0) {
        rc = framed ? bbq_take_frame_consumer(q) : bbq_take_consumer(q);
    }
    expect(rc == 0, "one handle takes both halves", rc);
    if (rc != 0) {
        return;
    }
    struct side side = {q, count};
    pthread_t tp, tc;
    pthread_create(&tc, NULL, consumer, &side);
    pthread_create(&tp, NULL, producer, &side);
    pthread_join(tp, NULL);
    pthread_join(tc, NULL);
    bbq_close(q);
}

/* The waits' backoff is Java's BackoffWait.DEFAULT, idle phase included, and never wraps. */
static void backoff_schedule(void) {
    int64_t expected = 1000;
    for (int parked = 0; parked < 10; parked++, expected *= 2) {
        expect(bbq_backoff_park_ns(parked) == expected, "backoff doubles from 1 us", parked);
    }
    for (int parked = 10; parked < 260; parked++) {
        expect(bbq_backoff_park_ns(parked) == 1000000, "backoff stays at 1 ms for 250 parks", parked);
    }
    expect(bbq_backoff_park_ns(260) == 2000000, "idle phase: 2 ms", 260);
    expect(bbq_backoff_park_ns(261) == 4000000, "idle phase: 4 ms", 261);
    expect(bbq_backoff_park_ns(262) == 8000000, "idle phase: 8 ms", 262);
    expect(bbq_backoff_park_ns(INT_MAX - 64) == 8000000, "idle phase stays at 8 ms", 0);
    expect(bbq_next_round(INT_MAX) == INT_MAX, "rounds saturate", 0);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: bbq_selftest MISUSE_PATH FRAMED_PATH RAW_PATH FRAMES BYTES\n");
        return 2;
    }
    long long frames = strtoll(argv[4], NULL, 10), bytes = strtoll(argv[5], NULL, 10);
    backoff_schedule();
    misuse(argv[1]);
    run_pair(produce_frames, consume_frames, argv[2], 1, frames);
    run_pair(produce_bytes, consume_bytes, argv[3], 0, bytes);
    if (failures != 0) {
        fprintf(stderr, "%d checks failed\n", failures);
        return 1;
    }
    printf("selftest ok frames=%lld bytes=%lld\n", frames, bytes);
    return 0;
}
