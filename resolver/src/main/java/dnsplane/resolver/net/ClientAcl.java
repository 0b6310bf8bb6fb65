package dnsplane.resolver.net;

import dnsplane.db.net.Cidr;
import java.net.InetAddress;
import java.util.List;

/**
 * ClientAcl says which client networks get answers (PURE); everyone else is REFUSED, so this is
 * never an open resolver.
 */
public final class ClientAcl {
  private final List<Cidr> allow;

  public ClientAcl(List<Cidr> allow) {
    this.allow = List.copyOf(allow);
  }

  public boolean allows(InetAddress client) {
    byte[] a = client.getAddress();
    for (Cidr c : allow) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }
}
