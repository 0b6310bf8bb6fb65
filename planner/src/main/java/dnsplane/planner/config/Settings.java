package dnsplane.planner.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.naming.NameUtils;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings lists what a {@code @ConfigurationProperties} record declares, nested records included,
 * with the defaults its {@code @Bindable} annotations give: the command line's help shows them, so
 * it cannot drift from what Micronaut binds.
 */
public final class Settings {

  /** One setting and its default ({@code null}: none). */
  public record Entry(Setting setting, @Nullable String defaultValue) {}

  private Settings() {}

  /** The settings of {@code type}, in declaration order. */
  public static List<Entry> of(Class<? extends Record> type) {
    List<Entry> entries = new ArrayList<>();
    collect(type, prefix(type), entries);
    return entries;
  }

  private static void collect(Class<?> type, String prefix, List<Entry> entries) {
    for (RecordComponent c : type.getRecordComponents()) {
      Class<?> t = c.getType();
      if (t.isRecord() && t.isAnnotationPresent(ConfigurationProperties.class)) {
        collect(t, prefix + "." + prefix(t), entries);
        continue;
      }
      Bindable bindable = c.getAccessor().getAnnotation(Bindable.class);
      String fallback = bindable == null ? null : bindable.defaultValue();
      entries.add(
          new Entry(
              Setting.of(prefix, NameUtils.hyphenate(c.getName())),
              fallback == null || fallback.isEmpty() ? null : fallback));
    }
  }

  private static String prefix(Class<?> type) {
    ConfigurationProperties p = type.getAnnotation(ConfigurationProperties.class);
    if (p == null) {
      throw new IllegalArgumentException(type + " is not @ConfigurationProperties");
    }
    return p.value();
  }
}
