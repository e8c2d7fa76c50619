using System.Globalization;
using System.Text;
using Microsoft.VisualStudio.TestPlatform.ObjectModel;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Client;
using Microsoft.VisualStudio.TestPlatform.ObjectModel.Logging;

namespace DompetKilat.TestLogger;

/// <summary>
/// Reports a test run the way a person follows it: a line per test class with its time, each
/// failure as it happens with what the test host logged since the test before it, and a closing
/// count. The run's full output is tens of thousands of lines of service logs; test.sh keeps
/// those in a file and shows only the lines this logger marks.
/// </summary>
/// <remarks>
/// Parameters: <c>Summary</c>, a file that receives the failed tests' names and the closing
/// count when the run completes, so the script can print them last, after anything it adds.
/// </remarks>
[FriendlyName("progress")]
[ExtensionUri("logger://dompetkilat/progress")]
public sealed class ProgressLogger : ITestLoggerWithParameters
{
    /// <summary>Starts every line meant for a person; test.sh strips it and drops every other line.</summary>
    public const string Marker = "##progress ";

    /// <summary>Enough to show a failing test's requests and the services' answers, without flooding the screen.</summary>
    private const int MostLogLinesPerFailure = 100;

    private const string Indent = "        ";

    private readonly Lock gate = new();
    private readonly Queue<string> logsSinceLastResult = new();
    private readonly List<string> failedTests = [];
    private int olderLogLines;
    private string? summaryPath;
    private ClassProgress? current;
    private DateTimeOffset lastResultAt = DateTimeOffset.UtcNow;
    private int passed;
    private int failed;
    private int skipped;

    public void Initialize(TestLoggerEvents events, string testRunDirectory) =>
        Initialize(events, new Dictionary<string, string?>());

    public void Initialize(TestLoggerEvents events, Dictionary<string, string?> parameters)
    {
        summaryPath = parameters.GetValueOrDefault("Summary");
        events.TestRunMessage += (_, e) => OnMessage(e);
        events.TestResult += (_, e) => OnResult(e.Result);
        events.TestRunComplete += (_, e) => OnComplete(e);
    }

    private void OnMessage(TestRunMessageEventArgs message)
    {
        lock (gate)
        {
            // xunit's own lines repeat what the result reports; the failure shows them from there.
            if (message.Message?.StartsWith("[xUnit.net ", StringComparison.Ordinal) == true)
            {
                return;
            }

            // The test platform's own errors (a crashed test host, a missing assembly) concern the
            // whole run, not one test: show them at once.
            if (message.Level == TestMessageLevel.Error)
            {
                Write($"  ERROR {message.Message}");
            }

            foreach (var line in Lines(message.Message))
            {
                logsSinceLastResult.Enqueue(line);
                if (logsSinceLastResult.Count > MostLogLinesPerFailure)
                {
                    logsSinceLastResult.Dequeue();
                    olderLogLines++;
                }
            }
        }
    }

    private void OnResult(TestResult result)
    {
        lock (gate)
        {
            var testClass = ClassOf(result.TestCase.FullyQualifiedName);
            if (current?.Name != testClass)
            {
                WriteClassLine();
                current = new ClassProgress(testClass, lastResultAt);
            }

            switch (result.Outcome)
            {
                case TestOutcome.Passed:
                    passed++;
                    current.Passed++;
                    break;
                case TestOutcome.Skipped or TestOutcome.None:
                    skipped++;
                    current.Skipped++;
                    break;
                default:
                    failed++;
                    current.Failed++;
                    failedTests.Add(result.TestCase.FullyQualifiedName);
                    WriteFailure(result);
                    break;
            }

            lastResultAt = current.LastResultAt = DateTimeOffset.UtcNow;
            logsSinceLastResult.Clear();
            olderLogLines = 0;
        }
    }

    private void OnComplete(TestRunCompleteEventArgs complete)
    {
        lock (gate)
        {
            WriteClassLine();
            current = null;
            var summary = new StringBuilder();
            foreach (var test in failedTests)
            {
                summary.AppendLine(CultureInfo.InvariantCulture, $"failed: {test}");
            }

            if (complete.IsAborted || complete.IsCanceled || complete.Error is not null)
            {
                summary.AppendLine(CultureInfo.InvariantCulture,
                    $"the test run was {(complete.IsCanceled ? "canceled" : "aborted")}: {complete.Error?.Message ?? "see the full log"}");
            }

            summary.Append(CultureInfo.InvariantCulture, $"{passed} passed, {failed} failed");
            summary.AppendLine(skipped > 0 ? string.Create(CultureInfo.InvariantCulture, $", {skipped} skipped") : "");
            if (summaryPath is not null)
            {
                File.WriteAllText(summaryPath, summary.ToString());
            }
            else
            {
                foreach (var line in Lines(summary.ToString()))
                {
                    Write(line);
                }
            }
        }
    }

    private void WriteClassLine()
    {
        if (current is null)
        {
            return;
        }

        var counts = $"{current.Passed} passed"
            + (current.Failed > 0 ? $", {current.Failed} failed" : "")
            + (current.Skipped > 0 ? $", {current.Skipped} skipped" : "");
        var seconds = (current.LastResultAt - current.StartedAt).TotalSeconds;
        Write(string.Create(CultureInfo.InvariantCulture,
            $"  {(current.Failed > 0 ? "FAIL" : "ok  ")}  {current.Name,-48} {counts,-28} {seconds,6:F1} s"));
    }

    private void WriteFailure(TestResult result)
    {
        Write(string.Create(CultureInfo.InvariantCulture,
            $"  FAIL  {result.TestCase.DisplayName} ({result.Duration.TotalSeconds:F1} s)"));
        WriteBlock(null, result.ErrorMessage);
        WriteBlock(null, result.ErrorStackTrace);
        foreach (var message in result.Messages.Where(m => !string.IsNullOrWhiteSpace(m.Text)))
        {
            WriteBlock($"output ({message.Category}):", message.Text);
        }

        var skippedNote = olderLogLines > 0 ? $", after {olderLogLines} earlier lines (in the full log)" : "";
        WriteBlock($"logged since the previous test ({logsSinceLastResult.Count} lines{skippedNote}):", string.Join('\n', logsSinceLastResult));
    }

    private static void WriteBlock(string? heading, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        if (heading is not null)
        {
            Write(Indent + heading);
        }

        foreach (var line in Lines(text))
        {
            Write(Indent + line);
        }
    }

    private static void Write(string line) => Console.Out.WriteLine(Marker + line);

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").TrimEnd().Split('\n').Select(l => l.TrimEnd('\r'));

    /// <summary>The class, without the assembly's root namespace every test shares.</summary>
    private static string ClassOf(string fullyQualifiedName)
    {
        var name = fullyQualifiedName[..Math.Max(0, fullyQualifiedName.LastIndexOf('.'))];
        const string root = "DompetKilat.Tests.";
        return name.StartsWith(root, StringComparison.Ordinal) ? name[root.Length..] : name;
    }

    private sealed class ClassProgress(string name, DateTimeOffset startedAt)
    {
        public string Name { get; } = name;

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset LastResultAt { get; set; } = startedAt;

        public int Passed { get; set; }

        public int Failed { get; set; }

        public int Skipped { get; set; }
    }
}
