package dnsplane.db.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Env names the environment variable a flag falls back to when it is not given. The variable's
 * value wins over the option's {@code defaultValue}; a flag on the command line wins over both.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface Env {
  String value();
}
