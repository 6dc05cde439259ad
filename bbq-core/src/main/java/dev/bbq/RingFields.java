package dev.bbq;

import java.nio.ByteBuffer;

// The ring's side-private fields, padded apart (see LinePad): the producer's, 128 bytes, the
// consumer's, 128 bytes. A superclass's fields are laid out first, so this hierarchy fixes their
// order; RingLayoutTest checks the distances.

/** Producer-private state. Only the producer thread touches these fields. */
abstract class RingProducerFields extends LinePad {
    /** The producer's own copy of {@code write}. */
    int pWrite;
    /** The producer's own copy of {@code last}. */
    int pLast;
    /** Last {@code read} the producer loaded (R7). */
    int pReadCache;
    /** Offset of the grant being made or open. */
    int pGrantStart;
    /** The producer's view of the data, repositioned to cut slices (never handed out). */
    ByteBuffer pView;
    /** Whether the producer has closed. */
    boolean pClosed;
    /** Grants refused so far, to check a queue file's size on one in 64 (see Ring.refused). */
    int pSlowPaths;
}

abstract class RingPad1 extends RingProducerFields {
    byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
    byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
    byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
    byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
    byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
    byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
    byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
    byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;
}

/** Consumer-private state. Only the consumer thread touches these fields. */
abstract class RingConsumerFields extends RingPad1 {
    /** The consumer's own copy of {@code read}. */
    int cRead;
    /** Last {@code write} the consumer loaded (R7). */
    int cWrite;
    /** {@code last} as loaded right after {@link #cWrite} (R3). */
    int cLast;
    /** Start of the region the last {@link Ring#readable} call found. */
    int cStart;
    /** Whether the last framed look found a frame whose flag was still on its way (R11). */
    boolean cInFlight;
    /** The consumer's view of the data, repositioned to cut slices and to show frames to handlers. */
    ByteBuffer cView;
    /** Whether the consumer has closed. */
    boolean cClosed;
    /** Polls that found nothing so far, to check a queue file's size on one in 64. */
    int cSlowPaths;
}

abstract class RingPad2 extends RingConsumerFields {
    byte r000, r001, r002, r003, r004, r005, r006, r007, r008, r009, r010, r011, r012, r013, r014, r015;
    byte r016, r017, r018, r019, r020, r021, r022, r023, r024, r025, r026, r027, r028, r029, r030, r031;
    byte r032, r033, r034, r035, r036, r037, r038, r039, r040, r041, r042, r043, r044, r045, r046, r047;
    byte r048, r049, r050, r051, r052, r053, r054, r055, r056, r057, r058, r059, r060, r061, r062, r063;
    byte r064, r065, r066, r067, r068, r069, r070, r071, r072, r073, r074, r075, r076, r077, r078, r079;
    byte r080, r081, r082, r083, r084, r085, r086, r087, r088, r089, r090, r091, r092, r093, r094, r095;
    byte r096, r097, r098, r099, r100, r101, r102, r103, r104, r105, r106, r107, r108, r109, r110, r111;
    byte r112, r113, r114, r115, r116, r117, r118, r119, r120, r121, r122, r123, r124, r125, r126, r127;
}
