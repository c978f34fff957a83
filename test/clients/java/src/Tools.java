import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Exit;

/**
 * Kafka's command-line tools, run one after another in this JVM as the kafka-*.sh scripts run them
 * (their main classes, e.g. org.apache.kafka.tools.TopicCommand), so a test file pays one JVM
 * start for all of them. Exit.exit is turned into an exception, the shutdown hooks a tool adds
 * through Exit run when it returns, and each tool's stdout, stderr and stdin are its own.
 *
 * <p>Scenario {@code tool <main class> <stdin text> <args...>} prints
 * {@code {"exit": code or null, "stdout": ..., "stderr": ..., "error": uncaught exception or null}}.
 */
public final class Tools {
  private Tools() {}

  /** Where System.out/System.err write now: the running tool's buffer, or the real stderr. */
  static final class Switch extends OutputStream {
    private final OutputStream idle;
    private volatile OutputStream target;

    Switch(OutputStream idle) {
      this.idle = idle;
      this.target = idle;
    }

    void to(OutputStream t) {
      target = t == null ? idle : t;
    }

    @Override
    public void write(int b) throws java.io.IOException {
      target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      target.write(b, off, len);
    }
  }

  static final class ExitCalled extends RuntimeException {
    final int code;

    ExitCalled(int code) {
      super("exit " + code, null, false, false);
      this.code = code;
    }
  }

  private static volatile Integer firstExit;
  private static final List<Runnable> HOOKS = new java.util.concurrent.CopyOnWriteArrayList<>();

  public static void main(String[] argv) throws Exception {
    // Before any tool class loads: Scala's Console.out keeps the System.out it first sees.
    OutputStream realErr = new FileOutputStream(FileDescriptor.err);
    Switch out = new Switch(realErr);
    Switch err = new Switch(realErr);
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    // Some tools call Exit.exit inside their own catch-all (TopicCommand prints the exception and
    // exits 1): the first call is the tool's answer.
    Exit.setExitProcedure((code, message) -> {
      if (firstExit == null) firstExit = code;
      throw new ExitCalled(code);
    });
    Exit.setHaltProcedure((code, message) -> {
      if (firstExit == null) firstExit = code;
      throw new ExitCalled(code);
    });
    // A tool's shutdown hooks run when it ends, as at JVM exit: ConsoleProducer sends
    // asynchronously and leaves closing (flushing) its producer to one.
    Exit.setShutdownHookAdder((name, hook) -> HOOKS.add(hook));
    Driver.serve(Map.of("tool", args -> tool(args, out, err)));
  }

  static void tool(List<String> args, Switch out, Switch err) throws Exception {
    Method main = Class.forName(args.get(0)).getMethod("main", String[].class);
    String[] toolArgs = args.subList(2, args.size()).toArray(new String[0]);
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    InputStream stdin = System.in;
    String error = null;
    firstExit = null;
    out.to(stdout);
    err.to(stderr);
    System.setIn(new ByteArrayInputStream(args.get(1).getBytes(StandardCharsets.UTF_8)));
    try {
      main.invoke(null, (Object) toolArgs);
    } catch (InvocationTargetException e) {
      if (!(e.getCause() instanceof ExitCalled)) error = e.getCause().toString();
    } finally {
      for (Runnable hook : HOOKS) {
        try {
          hook.run();
        } catch (RuntimeException e) {
          if (error == null) error = "shutdown hook: " + e;
        }
      }
      HOOKS.clear();
      System.out.flush();
      System.err.flush();
      out.to(null);
      err.to(null);
      System.setIn(stdin);
    }
    // What a tool's catch-all printed of our ExitCalled is not the tool's output.
    String errText = stderr.toString(StandardCharsets.UTF_8)
        .replaceAll("(?m)^exit -?\\d+\\R(Tools\\$ExitCalled: exit -?\\d+\\R)?", "");
    Driver.emit(
        "exit", firstExit, "error", error,
        "stdout", stdout.toString(StandardCharsets.UTF_8),
        "stderr", errText);
  }
}
