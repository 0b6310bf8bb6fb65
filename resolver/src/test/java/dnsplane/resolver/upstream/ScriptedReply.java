package dnsplane.resolver.upstream;

import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;

/** Reply builders for the upstream tests. */
final class ScriptedReply {
  private ScriptedReply() {}

  static Message nodata(Message q) {
    Message m = new Message(q.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    m.addRecord(q.getQuestion(), Section.QUESTION);
    return m;
  }

  /** A message whose wire form is {@code wire} as given, parseable or not. */
  static Message raw(byte[] wire) {
    return new Message() {
      @Override
      public byte[] toWire() {
        return wire.clone();
      }
    };
  }
}
