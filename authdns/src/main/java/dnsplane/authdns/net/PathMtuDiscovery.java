package dnsplane.authdns.net;

import io.netty.channel.unix.IntegerUnixChannelOption;

/**
 * setsockopt(IP_MTU_DISCOVER / IPV6_MTU_DISCOVER, IP_PMTUDISC_OMIT), from {@code <linux/in.h>} and
 * {@code <linux/in6.h>}, for authdns's UDP sockets: replies go out at the interface's MTU, neither
 * marked don't-fragment nor sized by a path MTU learnt from ICMP, which anyone can forge to make a
 * server fragment its answers (the fragmentation attacks on DNS); NSD and Knot set the same. It
 * also spares the kernel a route MTU lookup per send.
 */
final class PathMtuDiscovery {
  static final IntegerUnixChannelOption IPV4 =
      new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
  static final IntegerUnixChannelOption IPV6 =
      new IntegerUnixChannelOption("IPV6_MTU_DISCOVER", 41, 23);
  static final int OMIT = 5;

  private PathMtuDiscovery() {}
}
