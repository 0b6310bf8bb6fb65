package dnsplane.db.cli;

import java.lang.reflect.AnnotatedElement;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;

/**
 * EnvDefaults fills a flag that was not given from the variable its {@link Env} names, read from
 * one environment map (the process's, or a test's). A variable that is set but empty counts as set:
 * {@code DNSPLANE_AUTHDNS_ALLOW_TRANSFER=} means "nobody", as it always has.
 */
public final class EnvDefaults implements IDefaultValueProvider {

  private final Map<String, String> env;

  public EnvDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    String name = variable(arg);
    return name == null ? null : env.get(name);
  }

  /** The variable {@code arg} falls back to, or null. */
  public static String variable(ArgSpec arg) {
    if (arg.userObject() instanceof AnnotatedElement element) {
      Env env = element.getAnnotation(Env.class);
      return env == null ? null : env.value();
    }
    return null;
  }
}
