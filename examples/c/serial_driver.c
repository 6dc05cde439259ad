/*
 * serial_driver: a C process that reads a serial device, deframes it with the rules of
 * dev.bbq.wire (COBS(payload + check) followed by 0x00; the check little-endian) and writes every
 * valid payload as one frame into a bbq queue file, whose consumer half a JVM holds (for example
 * `telemetry --queue-file PATH`, or any FrameConsumer of BBQueue.openMapped).
 *
 *   serial_driver --device /dev/serial0 --queue /dev/shm/bbq-pi/telemetry.bbq
 *                 [--baud 115200] [--check crc16|crc32c|none] [--max-frame 512] [--wait-queue SECONDS]
 *
 * The deframer is a transcription of dev.bbq.wire.Deframer: every 0x00 ends a frame, a frame that
 * fails COBS, its check or the size limit is counted and skipped up to the next delimiter, empty
 * runs between delimiters are idle fill. A serial line cannot be paused, so a frame that finds the
 * queue full is dropped and counted (the Deframer's dropWhenFull). SIGINT or SIGTERM closes the
 * producer half, which ends the stream for the consumer; the counts go to stderr.
 *
 * Build: gcc -std=c11 -Wall -Wextra -O2 -I bbq-c/include -o serial_driver examples/c/serial_driver.c
 */
#define _POSIX_C_SOURCE 200809L

#include "bbq.h"

#include <signal.h>
#include <termios.h>

enum check { CHECK_NONE = 0, CHECK_CRC16 = 2, CHECK_CRC32C = 4 };

/* What Deframer counts, under its names. */
struct counts {
    unsigned long long bytes_read, frames_delivered, frames_dropped, crc_errors, oversize, malformed;
};

struct deframer {
    enum check check;
    size_t capacity; /* max frame + check */
    unsigned char *frame;
    size_t length;
    unsigned remaining;
    int zero_pending;
    int discarding;
    size_t wire_bytes;
    struct counts counts;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int signal) {
    (void) signal;
    stop_requested = 1;
}

/* CRC-16/CCITT-FALSE (dev.bbq.wire.Crc16): polynomial 0x1021, initial 0xFFFF, not reflected. */
static uint32_t crc16(const unsigned char *p, size_t n) {
    uint32_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint32_t) p[i] << 8;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1;
        }
    }
    return crc & 0xFFFF;
}

/* CRC-32C (java.util.zip.CRC32C): Castagnoli, reflected, initial and final xor 0xFFFFFFFF. */
static uint32_t crc32c(const unsigned char *p, size_t n) {
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 1) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
    }
    return ~crc;
}

static void reject(struct deframer *d, unsigned long long *counter) {
    (*counter)++;
    d->discarding = 1;
}

static void append(struct deframer *d, unsigned char b) {
    if (d->discarding) {
        return;
    }
    if (d->length == d->capacity) {
        reject(d, &d->counts.oversize);
        return;
    }
    d->frame[d->length++] = b;
}

static void reset(struct deframer *d) {
    d->length = 0;
    d->remaining = 0;
    d->zero_pending = 0;
    d->discarding = 0;
    d->wire_bytes = 0;
}

/* At a delimiter: the payload's length if the frame is valid, else -1 (counted). */
static long end_of_frame(struct deframer *d) {
    long result = -1;
    if (d->discarding || d->wire_bytes == 0) {
        // already counted, or an empty run between delimiters
    } else if (d->remaining > 0 || d->length < (size_t) d->check) {
        d->counts.malformed++;
    } else {
        size_t payload = d->length - (size_t) d->check;
        uint32_t actual = 0;
        for (int i = (int) d->check - 1; i >= 0; i--) {
            actual = (actual << 8) | d->frame[payload + (size_t) i];
        }
        uint32_t expected = d->check == CHECK_CRC16 ? crc16(d->frame, payload)
                            : d->check == CHECK_CRC32C ? crc32c(d->frame, payload) : 0;
        if (actual != expected) {
            d->counts.crc_errors++;
        } else {
            result = (long) payload;
        }
    }
    reset(d);
    return result;
}

/* One wire byte (Deframer.step); returns the payload length when a valid frame is complete, else -1. */
static long step(struct deframer *d, unsigned char b) {
    if (b == 0) {
        return end_of_frame(d);
    }
    d->wire_bytes++;
    if (d->discarding) {
        return -1;
    }
    if (d->remaining == 0) {
        if (d->zero_pending) {
            append(d, 0);
        }
        d->remaining = b - 1u;
        d->zero_pending = b != 0xFF;
    } else {
        append(d, b);
        d->remaining--;
    }
    return -1;
}

static speed_t baud_constant(long baud) {
    switch (baud) {
        case 9600: return B9600;
        case 19200: return B19200;
        case 38400: return B38400;
        case 57600: return B57600;
        case 115200: return B115200;
        case 230400: return B230400;
        default: return 0;
    }
}

/* Raw 8N1, no flow control; reads return after 100 ms without data, so signals are noticed. */
static int open_serial(const char *device, long baud) {
    speed_t speed = baud_constant(baud);
    if (speed == 0) {
        fprintf(stderr, "serial_driver: unsupported --baud %ld (9600 to 230400)\n", baud);
        return -1;
    }
    int fd = open(device, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "serial_driver: cannot open %s: %s\n", device, strerror(errno));
        return -1;
    }
    struct termios t;
    if (tcgetattr(fd, &t) != 0) {
        fprintf(stderr, "serial_driver: %s is not a terminal: %s\n", device, strerror(errno));
        close(fd);
        return -1;
    }
    t.c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON | IXOFF);
    t.c_oflag &= ~(tcflag_t) OPOST;
    t.c_lflag &= ~(tcflag_t) (ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~(tcflag_t) (CSIZE | PARENB | CSTOPB);
    t.c_cflag |= CS8 | CREAD | CLOCAL;
    t.c_cc[VMIN] = 0;
    t.c_cc[VTIME] = 1;
    cfsetispeed(&t, speed);
    cfsetospeed(&t, speed);
    if (tcsetattr(fd, TCSANOW, &t) != 0) {
        fprintf(stderr, "serial_driver: cannot configure %s: %s\n", device, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* The queue file may not exist yet when both sides start together: wait up to `seconds` for it. */
static int open_queue(const char *path, long seconds, bbq_queue **q) {
    int rc;
    for (long waited = 0; (rc = bbq_open(path, q)) == -ENOENT && waited < seconds * 10 && !stop_requested; waited++) {
        struct timespec t = {0, 100000000};
        nanosleep(&t, NULL);
    }
    if (rc == 0) {
        rc = bbq_take_frame_producer(*q);
    }
    if (rc != 0) {
        fprintf(stderr, "serial_driver: %s\n", bbq_last_error());
    }
    return rc;
}

static int usage(void) {
    fprintf(stderr, "usage: serial_driver --device PATH --queue PATH [--baud 115200] [--check crc16|crc32c|none] "
                    "[--max-frame 512] [--wait-queue SECONDS]\n");
    return 2;
}

int main(int argc, char **argv) {
    const char *device = NULL, *queue = NULL;
    long baud = 115200, max_frame = 512, wait_queue = 0;
    enum check check = CHECK_CRC16;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) return usage();
        if (strcmp(argv[i], "--device") == 0) device = value;
        else if (strcmp(argv[i], "--queue") == 0) queue = value;
        else if (strcmp(argv[i], "--baud") == 0) baud = strtol(value, NULL, 10);
        else if (strcmp(argv[i], "--max-frame") == 0) max_frame = strtol(value, NULL, 10);
        else if (strcmp(argv[i], "--wait-queue") == 0) wait_queue = strtol(value, NULL, 10);
        else if (strcmp(argv[i], "--check") == 0 && strcmp(value, "crc16") == 0) check = CHECK_CRC16;
        else if (strcmp(argv[i], "--check") == 0 && strcmp(value, "crc32c") == 0) check = CHECK_CRC32C;
        else if (strcmp(argv[i], "--check") == 0 && strcmp(value, "none") == 0) check = CHECK_NONE;
        else return usage();
        i++;
    }
    if (device == NULL || queue == NULL || max_frame < 1 || max_frame > 1 << 20) {
        return usage();
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int fd = open_serial(device, baud);
    bbq_queue *q = NULL;
    if (fd < 0 || open_queue(queue, wait_queue, &q) != 0) {
        return 1;
    }
    if ((size_t) max_frame > bbq_max_frame_length(q)) {
        fprintf(stderr, "serial_driver: --max-frame %ld exceeds the queue's largest frame, %zu bytes\n", max_frame,
                bbq_max_frame_length(q));
        bbq_close(q);
        return 2;
    }
    struct deframer d = {.check = check, .capacity = (size_t) max_frame + (size_t) check};
    d.frame = malloc(d.capacity);
    if (d.frame == NULL) {
        return 1;
    }
    fprintf(stderr, "serial_driver: %s -> %s\n", device, queue);
    int status = 0;
    unsigned char buffer[4096];
    while (!stop_requested) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fprintf(stderr, "serial_driver: reading %s failed: %s\n", device, strerror(errno));
            status = 1;
            break;
        }
        d.counts.bytes_read += (unsigned long long) n;
        for (ssize_t i = 0; i < n; i++) {
            long payload = step(&d, buffer[i]);
            if (payload < 0) {
                continue;
            }
            int rc = bbq_try_write(q, d.frame, (size_t) payload);
            if (rc == 1) {
                d.counts.frames_delivered++;
            } else if (rc == 0) {
                d.counts.frames_dropped++; // the queue is full and the line cannot wait
            } else {
                fprintf(stderr, "serial_driver: %s\n", bbq_last_error());
                status = 1;
                stop_requested = 1;
                break;
            }
        }
    }
    bbq_close(q); // closes the producer half: the consumer sees the end of the stream
    close(fd);
    free(d.frame);
    fprintf(stderr, "serial_driver: bytes=%llu delivered=%llu dropped=%llu crc_errors=%llu oversize=%llu malformed=%llu\n",
            d.counts.bytes_read, d.counts.frames_delivered, d.counts.frames_dropped, d.counts.crc_errors,
            d.counts.oversize, d.counts.malformed);
    return status;
}
