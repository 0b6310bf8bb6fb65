package dnsplane.authdns.net;

/** Transport is how a query reached the server. */
public enum Transport {
  UDP,
  TCP;

  /** The label value used in metrics. */
  public String label() {
    return this == UDP ? "udp" : "tcp";
  }
}
