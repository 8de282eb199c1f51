// Runs EPUBCheck on many EPUB files in one JVM (the CLI takes one file per run,
// and a JVM start per file would make the test suite slow).
// Usage: java -cp epubcheck.jar BatchCheck.java FILE_OR_DIR...
//    or: ... BatchCheck.java < list   (one path per line, checked as they come,
//        so a test can check books while it is still writing the next ones)
// Prints the messages (ERROR/WARNING/FATAL) and one line per file:
//   RESULT name errors=N warnings=M
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.util.DefaultReportImpl;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

public class BatchCheck {
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isEmpty()) {
                    check(new File(line));
                }
            }
            return;
        }
        List<File> files = new ArrayList<>();
        for (String a : args) {
            File f = new File(a);
            if (f.isDirectory()) {
                File[] found = f.listFiles((d, n) -> n.endsWith(".epub"));
                if (found != null) {
                    Arrays.sort(found);
                    files.addAll(Arrays.asList(found));
                }
            } else {
                files.add(f);
            }
        }
        for (File e : files) {
            check(e);
        }
    }

    static void check(File e) {
        DefaultReportImpl report = new DefaultReportImpl(e.getName());
        new EpubCheck(e, report).doValidate();
        int errors = report.getErrorCount() + report.getFatalErrorCount();
        System.out.println("RESULT " + e.getName() + " errors=" + errors
            + " warnings=" + report.getWarningCount());
        System.out.flush();
    }
}
