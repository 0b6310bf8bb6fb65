package dnsplane.resolver.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.collection.IntObjectHashMap;

/**
 * UdpSocket is one socket of a lane's pool, bound to an ephemeral port the kernel picks at random,
 * with the exchanges waiting on it by query ID. It is retired (replaced in the pool, then closed
 * once nothing waits on it) after {@link Lane#ROTATE_AFTER} queries or {@link Lane#ROTATE_NANOS},
 * so that its port is not a fixed target. Event-loop confined.
 */
final class UdpSocket extends SimpleChannelInboundHandler<DatagramPacket> {
  final Lane lane;
  final int slot;
  final IntObjectHashMap<Exchange> pending = new IntObjectHashMap<>();
  final long bornNanos = System.nanoTime();
  Channel channel;
  int sent;
  boolean replacing;
  boolean retired;

  UdpSocket(Lane lane, int slot) {
    this.lane = lane;
    this.slot = slot;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
    lane.received(this, p);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // e.g. ICMP port unreachable surfacing as a read error: the exchanges time out and retry
    lane.socketError(cause);
  }
}
