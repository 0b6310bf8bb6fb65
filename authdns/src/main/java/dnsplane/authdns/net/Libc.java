package dnsplane.authdns.net;

import static jdk.incubator.foreign.CLinker.C_INT;
import static jdk.incubator.foreign.CLinker.C_POINTER;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemoryLayout;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;

/**
 * Libc holds the few socket calls {@link NativeUdp} makes, bound through JDK 17's foreign linker
 * (the incubating jdk.incubator.foreign), and the Linux LP64 layouts they take: {@code struct
 * mmsghdr} (64 bytes), {@code struct iovec} (16) and {@code sockaddr_in}/{@code sockaddr_in6}. Only
 * {@link NativeUdpSupport} decides whether this class may be loaded.
 */
final class Libc {
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int MSG_WAITFORONE = 0x10000;

  /** Room for a sockaddr_in6 (28 bytes), rounded up. */
  static final int SOCKADDR = 32;

  /** struct mmsghdr: msg_name 0, msg_namelen 8, msg_iov 16, msg_iovlen 24, msg_len 56. */
  static final int MMSGHDR = 64;

  static final int MSG_NAME = 0;
  static final int MSG_NAMELEN = 8;
  static final int MSG_IOV = 16;
  static final int MSG_IOVLEN = 24;
  static final int MSG_LEN = 56;

  /** struct iovec: iov_base 0, iov_len 8. */
  static final int IOVEC = 16;

  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVBUF = 8;
  private static final int SO_REUSEPORT = 15;
  private static final int IPPROTO_IP = 0;
  private static final int IP_MTU_DISCOVER = 10;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_MTU_DISCOVER = 23;
  private static final int IPV6_V6ONLY = 26;
  // As NSD and Knot set: replies go out without DF and ignore path-MTU news, which an off-path
  // attacker could forge to make a server fragment its answers (RFC 8085 §3.2, RFC 9715).
  private static final int PMTUDISC_OMIT = 5;
  private static final int SHUT_RDWR = 2;

  private static final CLinker LINKER = CLinker.getInstance();
  private static final MethodHandle SOCKET = call("socket", int.class, int.class, int.class);
  private static final MethodHandle SETSOCKOPT =
      call("setsockopt", int.class, int.class, int.class, MemoryAddress.class, int.class);
  private static final MethodHandle GETSOCKOPT =
      call("getsockopt", int.class, int.class, int.class, MemoryAddress.class, MemoryAddress.class);
  private static final MethodHandle BIND = call("bind", int.class, MemoryAddress.class, int.class);
  private static final MethodHandle GETSOCKNAME =
      call("getsockname", int.class, MemoryAddress.class, MemoryAddress.class);
  private static final MethodHandle RECVMMSG =
      call("recvmmsg", int.class, MemoryAddress.class, int.class, int.class, MemoryAddress.class);
  private static final MethodHandle SENDMMSG =
      call("sendmmsg", int.class, MemoryAddress.class, int.class, int.class);
  private static final MethodHandle SHUTDOWN = call("shutdown", int.class, int.class);
  private static final MethodHandle CLOSE = call("close", int.class);
  private static final MethodHandle ERRNO_LOCATION =
      LINKER.downcallHandle(
          CLinker.systemLookup().lookup("__errno_location").orElseThrow(),
          MethodType.methodType(MemoryAddress.class),
          FunctionDescriptor.of(C_POINTER));

  private Libc() {}

  /** A handle to the libc function {@code name}, returning int, taking int and pointer args. */
  private static MethodHandle call(String name, Class<?>... args) {
    MemoryLayout[] layouts = new MemoryLayout[args.length];
    for (int i = 0; i < args.length; i++) {
      layouts[i] = args[i] == int.class ? C_INT : C_POINTER;
    }
    return LINKER.downcallHandle(
        CLinker.systemLookup().lookup(name).orElseThrow(),
        MethodType.methodType(int.class, args),
        FunctionDescriptor.of(C_INT, layouts));
  }

  /**
   * A UDP socket bound to {@code at} with SO_REUSEPORT (so several can share the port), a 2 MiB
   * receive buffer and path-MTU discovery off; an IPv6 address gets a dual-stack socket.
   *
   * @throws IllegalStateException when it cannot be made or bound
   */
  static int openUdp(InetSocketAddress at, int receiveBuffer) {
    boolean v4 = at.getAddress() instanceof Inet4Address;
    int fd = invoke(SOCKET, v4 ? AF_INET : AF_INET6, SOCK_DGRAM, 0);
    if (fd < 0) {
      throw new IllegalStateException("cannot open a UDP socket for " + at);
    }
    try (ResourceScope scope = ResourceScope.newConfinedScope()) {
      MemorySegment value = MemorySegment.allocateNative(4, scope);
      boolean set =
          option(fd, SOL_SOCKET, SO_REUSEPORT, 1, value)
              && option(fd, SOL_SOCKET, SO_RCVBUF, receiveBuffer, value)
              && option(fd, IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_OMIT, value)
              && (v4
                  || option(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_OMIT, value)
                      && option(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, value));
      MemorySegment sa = MemorySegment.allocateNative(SOCKADDR, scope);
      int length = writeSockaddr(sa, at);
      if (!set || invoke(BIND, fd, sa.address(), length) != 0) {
        String why = set ? errorName(errno()) : "a socket option was refused";
        close(fd);
        throw new IllegalStateException("cannot bind UDP " + at + ": " + why);
      }
    }
    return fd;
  }

  /** errno as the last call on this thread left it. */
  private static int errno() {
    try {
      MemoryAddress at = (MemoryAddress) ERRNO_LOCATION.invokeExact();
      return MemoryAccess.getInt(at.asSegment(4, ResourceScope.globalScope()));
    } catch (Throwable t) {
      return -1;
    }
  }

  private static String errorName(int errno) {
    return switch (errno) {
      case 13 -> "permission denied (EACCES)";
      case 98 -> "address already in use (EADDRINUSE)";
      case 99 -> "address not available on this host (EADDRNOTAVAIL)";
      default -> "errno " + errno;
    };
  }

  private static boolean option(int fd, int level, int name, int value, MemorySegment into) {
    MemoryAccess.setInt(into, value);
    return invoke(SETSOCKOPT, fd, level, name, into.address(), 4) == 0;
  }

  /** getsockopt of an int option of {@code fd}. */
  static int intOption(int fd, int level, int name) {
    try (ResourceScope scope = ResourceScope.newConfinedScope()) {
      MemorySegment value = MemorySegment.allocateNative(4, scope);
      MemorySegment length = MemorySegment.allocateNative(4, scope);
      MemoryAccess.setInt(length, 4);
      if (invoke(GETSOCKOPT, fd, level, name, value.address(), length.address()) != 0) {
        throw new IllegalStateException("getsockopt(" + level + ", " + name + ") failed");
      }
      return MemoryAccess.getInt(value);
    }
  }

  /** The port {@code fd} is bound to. */
  static int boundPort(int fd) {
    try (ResourceScope scope = ResourceScope.newConfinedScope()) {
      MemorySegment sa = MemorySegment.allocateNative(SOCKADDR, scope);
      MemorySegment length = MemorySegment.allocateNative(4, scope);
      MemoryAccess.setInt(length, SOCKADDR);
      if (invoke(GETSOCKNAME, fd, sa.address(), length.address()) != 0) {
        throw new IllegalStateException("getsockname failed");
      }
      return port(sa, 0);
    }
  }

  static int recvmmsg(int fd, MemoryAddress msgs, int count, int flags) {
    try {
      return (int) RECVMMSG.invokeExact(fd, msgs, count, flags, MemoryAddress.NULL);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  static int sendmmsg(int fd, MemoryAddress msgs, int count) {
    try {
      return (int) SENDMMSG.invokeExact(fd, msgs, count, 0);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Wakes a thread blocked reading {@code fd}: its recvmmsg returns. */
  static void shutdown(int fd) {
    invoke(SHUTDOWN, fd, SHUT_RDWR);
  }

  static void close(int fd) {
    invoke(CLOSE, fd);
  }

  private static int invoke(MethodHandle h, Object... args) {
    try {
      return (int) h.invokeWithArguments(args);
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static int writeSockaddr(MemorySegment sa, InetSocketAddress at) {
    byte[] ip = at.getAddress().getAddress();
    boolean v4 = ip.length == 4;
    MemoryAccess.setShortAtOffset(sa, 0, (short) (v4 ? AF_INET : AF_INET6));
    MemoryAccess.setByteAtOffset(sa, 2, (byte) (at.getPort() >> 8));
    MemoryAccess.setByteAtOffset(sa, 3, (byte) at.getPort());
    int offset = v4 ? 4 : 8; // sin_addr; sin6_flowinfo comes first in sockaddr_in6
    for (int i = 0; i < ip.length; i++) {
      MemoryAccess.setByteAtOffset(sa, offset + i, ip[i]);
    }
    if (!v4 && at.getAddress() instanceof Inet6Address a6) {
      MemoryAccess.setIntAtOffset(sa, 24, a6.getScopeId());
    }
    return v4 ? 16 : 28;
  }

  private static int port(MemorySegment sa, long at) {
    return (Byte.toUnsignedInt(MemoryAccess.getByteAtOffset(sa, at + 2)) << 8)
        | Byte.toUnsignedInt(MemoryAccess.getByteAtOffset(sa, at + 3));
  }

  /** The address of the sockaddr at {@code at} in {@code names}: IPv4, or IPv6 (perhaps mapped). */
  static InetAddress address(MemorySegment names, long at) {
    boolean v4 = MemoryAccess.getShortAtOffset(names, at) == AF_INET;
    byte[] ip = new byte[v4 ? 4 : 16];
    MemorySegment.ofArray(ip).copyFrom(names.asSlice(at + (v4 ? 4 : 8), ip.length));
    try {
      // An IPv4-mapped IPv6 address comes back as Inet4Address, as Netty's sender() gives it.
      return InetAddress.getByAddress(ip);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // a 4- or 16-byte array is always an address
    }
  }
}
