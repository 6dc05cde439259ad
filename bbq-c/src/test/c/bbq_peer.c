/*
 * The C side of the cross-language tests (dev.bbq.c.*Test): one program, one mode per test role.
 *
 *   produce PATH RUN COUNT [--die-after-index K] [--no-close]
 *       takes the framed producer half and writes COUNT test frames of run RUN (frames.h), every
 *       third one built in place with bbq_try_grant/bbq_commit; then closes the stream. With
 *       --die-after-index it kills itself with SIGKILL between the index and the flag of its K-th
 *       commit (R12), as a power cut of the process would.
 *   consume PATH
 *       takes the framed consumer half and reads until the end of the stream, checking every frame;
 *       prints "consumed frames=N first_run=R first_seq=S last_run=R last_seq=S".
 *   hold PATH producer|consumer|raw-producer
 *       takes the half, prints "held", and keeps it until stdin ends.
 *   take PATH producer|consumer
 *       tries to take the half once; prints the result code and the error text.
 *   open PATH...
 *       bbq_open on each path; prints "rc<TAB>message" per path.
 *   bench-produce PATH SIZE COUNT
 *       the producer of dev.bbq.bench.CIpc: COUNT frames of SIZE bytes, each starting with its
 *       sequence number (8 bytes, big-endian, as the bench's Java producer writes it), written with
 *       bbq_try_write in a spin; then closes the stream.
 *   raw-produce PATH COUNT
 *       raw producer: COUNT bytes of the sequence (i * 7) & 0xff in grants of varying sizes, then closes.
 *
 * Exit status 0 when the role was played out, 1 when a check failed, 2 when a call failed.
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>

static long die_after_index = 0; /* > 0: the commit to die in, counting down */
static void test_after_index(void);
#define BBQ_TEST_AFTER_INDEX() test_after_index()

#include "bbq.h"
#include "frames.h"

static void test_after_index(void) {
    if (die_after_index > 0 && --die_after_index == 0) {
        raise(SIGKILL);
    }
}

#define TIMEOUT_NS INT64_C(120000000000)

static int fail_call(const char *what, int rc) {
    fprintf(stderr, "%s: %d (%s): %s\n", what, rc, strerror(-rc), bbq_last_error());
    return 2;
}

static int produce(const char *path, uint32_t run, uint64_t count, int close_stream) {
    bbq_queue *q;
    int rc;
    if ((rc = bbq_open(path, &q)) != 0 || (rc = bbq_take_frame_producer(q)) != 0) {
        return fail_call("take producer", rc);
    }
    unsigned char frame[FRAME_MAX];
    for (uint64_t seq = 0; seq < count; seq++) {
        size_t n = frame_make(frame, run, seq);
        if (seq % 3 == 2) {
            void *buf = NULL;
            int64_t start = bbq_now_ns();
            for (int round = 0; (rc = bbq_try_grant(q, FRAME_MAX, &buf)) == 0; round++) {
                if (bbq_pause(round, start, TIMEOUT_NS) <= 0) {
                    break;
                }
            }
            if (rc != 1) {
                return fail_call("grant", rc == 0 ? -ETIMEDOUT : rc);
            }
            memcpy(buf, frame, n);
            if ((rc = bbq_commit(q, n)) != 0) {
                return fail_call("commit", rc);
            }
        } else if ((rc = bbq_write(q, frame, n, TIMEOUT_NS)) != 1) {
            return fail_call("write", rc == 0 ? -ETIMEDOUT : rc);
        }
    }
    if (close_stream) {
        bbq_close(q);
    }
    printf("produced %llu\n", (unsigned long long) count);
    return 0;
}

static int consume(const char *path) {
    bbq_queue *q;
    int rc;
    if ((rc = bbq_open(path, &q)) != 0 || (rc = bbq_take_frame_consumer(q)) != 0) {
        return fail_call("take consumer", rc);
    }
    uint64_t frames = 0, first_seq = 0, last_seq = 0;
    uint32_t first_run = 0, last_run = 0;
    const void *frame;
    size_t len;
    while ((rc = bbq_read(q, &frame, &len, TIMEOUT_NS)) == 1) {
        uint32_t run;
        uint64_t seq;
        if (frame_check(frame, len, &run, &seq) != 0) {
            fprintf(stderr, "frame %llu after run %u seq %llu is corrupt (%zu bytes)\n", (unsigned long long) frames,
                    last_run, (unsigned long long) last_seq, len);
            return 1;
        }
        if (frames == 0) {
            first_run = run;
            first_seq = seq;
        } else if (run == last_run ? seq != last_seq + 1 : run < last_run || seq != 0) {
            fprintf(stderr, "run %u seq %llu follows run %u seq %llu\n", run, (unsigned long long) seq, last_run,
                    (unsigned long long) last_seq);
            return 1;
        }
        last_run = run;
        last_seq = seq;
        frames++;
        if ((rc = bbq_release(q)) != 0) {
            return fail_call("release", rc);
        }
    }
    if (rc != -EPIPE) {
        return fail_call("read", rc == 0 ? -ETIMEDOUT : rc);
    }
    bbq_close(q);
    printf("consumed frames=%llu first_run=%u first_seq=%llu last_run=%u last_seq=%llu\n", (unsigned long long) frames,
           first_run, (unsigned long long) first_seq, last_run, (unsigned long long) last_seq);
    return 0;
}

static int take_half(bbq_queue *q, const char *half) {
    if (strcmp(half, "producer") == 0) return bbq_take_frame_producer(q);
    if (strcmp(half, "consumer") == 0) return bbq_take_frame_consumer(q);
    if (strcmp(half, "raw-producer") == 0) return bbq_take_producer(q);
    return bbq_fail(EINVAL, "unknown half %s", half);
}

static int hold(const char *path, const char *half, int wait) {
    bbq_queue *q;
    int rc = bbq_open(path, &q);
    if (rc == 0) {
        rc = take_half(q, half);
    }
    printf("%d\t%s\n", rc, rc == 0 ? "held" : bbq_last_error());
    fflush(stdout);
    if (rc != 0) {
        return 0;
    }
    if (wait) {
        while (getchar() != EOF) {
        }
    }
    bbq_close(q);
    return 0;
}

static int open_each(int count, char **paths) {
    for (int i = 0; i < count; i++) {
        bbq_queue *q;
        int rc = bbq_open(paths[i], &q);
        printf("%d\t%s\n", rc, rc == 0 ? "opened" : bbq_last_error());
        bbq_close(q);
    }
    return 0;
}

static int raw_produce(const char *path, uint64_t count) {
    bbq_queue *q;
    int rc;
    if ((rc = bbq_open(path, &q)) != 0 || (rc = bbq_take_producer(q)) != 0) {
        return fail_call("take raw producer", rc);
    }
    uint64_t sent = 0;
    int64_t start = bbq_now_ns();
    for (int round = 0; sent < count; round++) {
        void *buf = NULL;
        size_t len = 0, want = 1 + (size_t) (sent % 97);
        if (want > count - sent) {
            want = (size_t) (count - sent);
        }
        rc = sent % 2 == 0 ? bbq_try_grant_max(q, want, &buf, &len) : bbq_try_grant_exact(q, want, &buf);
        if (rc < 0) {
            return fail_call("raw grant", rc);
        }
        if (rc == 0) {
            if (bbq_pause(round, start, TIMEOUT_NS) <= 0) {
                return fail_call("raw grant", -ETIMEDOUT);
            }
            continue;
        }
        if (sent % 2 != 0) {
            len = want;
        }
        for (size_t i = 0; i < len; i++) {
            ((unsigned char *) buf)[i] = (unsigned char) ((sent + i) * 7);
        }
        if ((rc = bbq_commit_bytes(q, len)) != 0) {
            return fail_call("raw commit", rc);
        }
        sent += len;
        round = -1;
        start = bbq_now_ns();
    }
    bbq_close(q);
    printf("produced %llu\n", (unsigned long long) count);
    return 0;
}

static int bench_produce(const char *path, size_t size, uint64_t count) {
    bbq_queue *q;
    int rc;
    if ((rc = bbq_open(path, &q)) != 0 || (rc = bbq_take_frame_producer(q)) != 0) {
        return fail_call("take producer", rc);
    }
    unsigned char frame[4096] = {0};
    if (size < 8 || size > sizeof frame) {
        return fail_call("bench size", -EINVAL);
    }
    for (size_t i = 8; i < size; i++) {
        frame[i] = (unsigned char) i;
    }
    for (uint64_t seq = 0; seq < count; seq++) {
        for (int i = 0; i < 8; i++) {
            frame[i] = (unsigned char) (seq >> (56 - 8 * i));
        }
        while ((rc = bbq_try_write(q, frame, size)) == 0) {
        }
        if (rc < 0) {
            return fail_call("write", rc);
        }
    }
    bbq_close(q);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 5 && strcmp(argv[1], "produce") == 0) {
        int close_stream = 1;
        for (int i = 5; i < argc; i++) {
            if (strcmp(argv[i], "--die-after-index") == 0 && i + 1 < argc) {
                die_after_index = strtol(argv[++i], NULL, 10);
            } else if (strcmp(argv[i], "--no-close") == 0) {
                close_stream = 0;
            }
        }
        return produce(argv[2], (uint32_t) strtoul(argv[3], NULL, 10), strtoull(argv[4], NULL, 10), close_stream);
    }
    if (argc == 3 && strcmp(argv[1], "consume") == 0) {
        return consume(argv[2]);
    }
    if (argc == 4 && (strcmp(argv[1], "hold") == 0 || strcmp(argv[1], "take") == 0)) {
        return hold(argv[2], argv[3], strcmp(argv[1], "hold") == 0);
    }
    if (argc >= 3 && strcmp(argv[1], "open") == 0) {
        return open_each(argc - 2, argv + 2);
    }
    if (argc == 5 && strcmp(argv[1], "bench-produce") == 0) {
        return bench_produce(argv[2], (size_t) strtoul(argv[3], NULL, 10), strtoull(argv[4], NULL, 10));
    }
    if (argc == 4 && strcmp(argv[1], "raw-produce") == 0) {
        return raw_produce(argv[2], strtoull(argv[3], NULL, 10));
    }
    fprintf(stderr, "usage: see the comment at the top of bbq_peer.c\n");
    return 2;
}
