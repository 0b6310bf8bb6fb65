package dnsplane.authdns.zone;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * PlainNames makes the Name of an absolute name spelled plainly (letters, digits, '-', '_', '*',
 * one dot after each label: what the control plane and every import store) in one pass and one
 * array, and reads a Name's own octets without the copy {@link Name#toWireCanonical} makes.
 *
 * <p>Why: a full load makes a Name for each of a million owners, on a JVM that has just started.
 * {@link Name#fromString} is a general parser (escapes, origins, "@") spread over many methods that
 * run interpreted until the JIT gets to them; at a million names on a cold JVM it cost ~0.8 s
 * against ~0.02 s for this loop (warm, 70 ms against 17 ms). dnsjava has no public constructor from
 * wire octets that is not label-by-label (an array per label), so the Name is filled in through its
 * private fields ({@code name}, {@code offsets}, {@code labels}: dnsjava 3.x's layout).
 *
 * <p>That layout is checked once, when this class loads: names made both ways must agree on every
 * public view (equality, hash code, labels, text, wire form, each suffix). If the fields are
 * missing or any view differs (another dnsjava), {@link #fromString} is {@link Name#fromString} and
 * {@link #hash} copies, exactly as before. Anything not plain goes to dnsjava too, which also words
 * the error. PlainNamesTest holds the two paths equal on random and edge names.
 */
public final class PlainNames {
  private PlainNames() {}

  private static final int MAX_LABEL = 63;
  private static final int MAX_NAME = 255;
  // dnsjava keeps the offsets of labels 1..8 in a long, a byte each (label 0 is at 0).
  private static final int OFFSETS_KEPT = 8;

  private static final Fields FIELDS = Fields.checked();

  /** dnsjava's private fields, or null when they are not as expected. */
  private record Fields(MethodHandle make, VarHandle octets, VarHandle offsets, VarHandle labels) {
    static Fields checked() {
      try {
        MethodHandles.Lookup in = MethodHandles.privateLookupIn(Name.class, MethodHandles.lookup());
        Fields f =
            new Fields(
                in.findConstructor(Name.class, MethodType.methodType(void.class)),
                in.findVarHandle(Name.class, "name", byte[].class),
                in.findVarHandle(Name.class, "offsets", long.class),
                in.findVarHandle(Name.class, "labels", int.class));
        for (String s :
            new String[] {
              ".", "a.", "Www.Example.COM.", "a.b.c.d.e.f.g.h.i.j.k.", "*.x-y_z.test.",
            }) {
          if (!f.agrees(s)) {
            return null;
          }
        }
        return f;
      } catch (ReflectiveOperationException | java.io.IOException | RuntimeException e) {
        return null;
      }
    }

    /** Whether the Name made here from {@code s} is, by every public view, dnsjava's. */
    boolean agrees(String s) throws TextParseException {
      Name mine = build(this, s);
      Name theirs = Name.fromString(s, Name.root);
      if (mine == null
          || !mine.equals(theirs)
          || mine.hashCode() != theirs.hashCode()
          || mine.labels() != theirs.labels()
          || mine.length() != theirs.length()
          || !mine.toString().equals(theirs.toString())
          || !java.util.Arrays.equals(mine.toWire(), theirs.toWire())
          || !mine.isAbsolute()
          || mine.compareTo(theirs) != 0) {
        return false;
      }
      for (int i = 1; i < theirs.labels(); i++) {
        if (!new Name(mine, i).equals(new Name(theirs, i))
            || !mine.getLabelString(i).equals(theirs.getLabelString(i))) {
          return false;
        }
      }
      return java.util.Arrays.equals(ownOctets(this, mine), theirs.toWire());
    }
  }

  /** Whether names are made and read here (false: through dnsjava's public methods only). */
  public static boolean fast() {
    return FIELDS != null;
  }

  /** What {@code Name.fromString(text, Name.root)} gives, made in one pass when text is plain. */
  public static Name fromString(String text) throws TextParseException {
    Name n = FIELDS == null ? null : build(FIELDS, text);
    return n != null ? n : Name.fromString(text, Name.root);
  }

  /**
   * {@link WireNames#hash} of {@code name}'s wire form (case folded there), read in place when it
   * can be: what {@link NameTrie} files a name under.
   */
  static int hash(Name name) {
    byte[] wire = FIELDS == null ? null : ownOctets(FIELDS, name);
    if (wire == null) {
      wire = name.toWireCanonical();
    }
    return WireNames.hash(wire, 0, wire.length);
  }

  /** The Name of plain absolute {@code text}, or null when it is not plain (or too long). */
  private static Name build(Fields f, String text) {
    int n = text.length();
    if (n == 0 || n > MAX_NAME - 1 || text.charAt(n - 1) != '.') {
      return null;
    }
    if (n == 1) {
      return Name.root;
    }
    byte[] wire = new byte[n + 1]; // a length octet per label for its dot, and the root's zero
    long offsets = 0;
    int labels = 0;
    int start = 0; // where the current label's length octet goes
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c == '.') {
        int length = i - start;
        if (length == 0 || length > MAX_LABEL) {
          return null; // an empty label is an error dnsjava words; a long one too
        }
        wire[start] = (byte) length;
        labels++;
        start = i + 1;
        if (labels <= OFFSETS_KEPT) {
          offsets |= (long) start << (8 * (labels - 1));
        }
      } else if ((c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || (c >= 'A' && c <= 'Z')
          || c == '-'
          || c == '_'
          || c == '*') {
        wire[i + 1] = (byte) c;
      } else {
        return null;
      }
    }
    try {
      Name name = (Name) f.make().invokeExact();
      f.octets().set(name, wire);
      f.offsets().set(name, offsets);
      f.labels().set(name, labels + 1);
      return name;
    } catch (Throwable e) {
      return null;
    }
  }

  /** The name's own wire octets (not a copy: never written), or null. */
  private static byte[] ownOctets(Fields f, Name name) {
    Object o = f.octets().get(name);
    return o instanceof byte[] b && b.length == name.length() ? b : null;
  }
}
