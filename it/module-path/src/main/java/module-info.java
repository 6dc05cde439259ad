/** A user's module: needs only what bbq-core and bbq-serial export. */
module dev.bbq.it.modulepath {
    requires dev.bbq.core;
    requires dev.bbq.serial;
}
