#ifndef ICMPMON_VERSION_H
#define ICMPMON_VERSION_H
#define ICMPMON_VERSION "0.1.0"
/* the iputils ping whose command line and output the ping personality follows */
#define ICMPMON_PING_COMPAT "20221126"
#endif
