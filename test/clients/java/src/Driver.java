import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loop every test program runs: one JSON array per stdin line, {@code ["scenario", args...]},
 * answered with JSON lines on stdout and a last line {@code {"done": scenario}} or
 * {@code {"failed": scenario, "error": stack trace}}. End of stdin ends the program. The real
 * stdout and stdin are kept here, so a program may redirect System.out/System.in (the tools do).
 */
public final class Driver {
  public interface Scenario {
    void run(List<String> args) throws Exception;
  }

  private static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();

  private Driver() {}

  /** Prints one JSON line from alternating keys and values. */
  public static void emit(Object... keysAndValues) {
    Map<String, Object> line = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keysAndValues.length; i += 2) line.put((String) keysAndValues[i], keysAndValues[i + 1]);
    emit(line);
  }

  public static synchronized void emit(Map<String, Object> line) {
    try {
      OUT.println(JSON.writeValueAsString(line));
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  public static void serve(Map<String, Scenario> scenarios) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(new FileInputStream(FileDescriptor.in), StandardCharsets.UTF_8));
    String text;
    while ((text = in.readLine()) != null) {
      if (text.isBlank()) continue;
      List<String> call = Arrays.asList(JSON.readValue(text, String[].class));
      String name = call.get(0);
      Scenario scenario = scenarios.get(name);
      try {
        if (scenario == null) throw new IllegalArgumentException("no scenario " + name + " in " + scenarios.keySet());
        scenario.run(call.subList(1, call.size()));
        emit("done", name);
      } catch (Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        emit("failed", name, "error", trace.toString());
      }
    }
    // Client threads (Streams, a tool's leftovers) must not keep the JVM alive once stdin ends.
    System.exit(0);
  }

  /** Fails the scenario with a message when a condition does not hold. */
  public static void check(boolean condition, String message) {
    if (!condition) throw new AssertionError(message);
  }
}
