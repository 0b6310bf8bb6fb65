package dnsplane.enactor.apply;

/** WriteTally counts the outcomes of writing one plan, endpoint by endpoint. */
public record WriteTally(
    int written, int stale, int unchanged, int rejectedEmpty, int guardRefused, int noZone) {

  public static final WriteTally NONE = new WriteTally(0, 0, 0, 0, 0, 0);

  public WriteTally plus(WriteTally o) {
    return new WriteTally(
        written + o.written, stale + o.stale, unchanged + o.unchanged,
        rejectedEmpty + o.rejectedEmpty, guardRefused + o.guardRefused, noZone + o.noZone);
  }
}
