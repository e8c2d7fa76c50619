using System.Buffers.Binary;
using System.Text;

namespace DompetKilat.Tests.Infrastructure;

/// <summary>One exported span: the service that exported it, its trace (hex), name and attributes.</summary>
public sealed record ExportedSpan(string Service, string TraceId, string Name, IReadOnlyDictionary<string, object> Attributes);

/// <summary>One exported log record: the service that exported it, its trace (hex, empty outside one), body and attributes, scopes' values included.</summary>
public sealed record ExportedLog(string Service, string TraceId, string Body, IReadOnlyDictionary<string, object> Attributes);

/// <summary>
/// One exported data point: a counter's value or a histogram's count (<see cref="Value"/>) and sum,
/// with the start of the series (a process's cumulative totals start when it does).
/// </summary>
public sealed record ExportedPoint(string Service, IReadOnlyDictionary<string, object> Attributes, ulong StartTime, ulong Time, double Value, double Sum);

/// <summary>
/// Reads the few OTLP messages the tests look into (opentelemetry/proto, collector trace, metrics
/// and logs services) straight off the protobuf wire format, field number by field number, rather than
/// pulling generated OTLP types into the test project for that.
/// </summary>
internal static class Otlp
{
    public static IEnumerable<ExportedSpan> ReadSpans(byte[] exportTraceServiceRequest)
    {
        // ExportTraceServiceRequest.resource_spans = 1; ResourceSpans.resource = 1, .scope_spans = 2; ScopeSpans.spans = 2
        foreach (var resourceSpans in Messages(exportTraceServiceRequest, 1))
        {
            var service = ServiceName(resourceSpans);
            foreach (var span in Messages(resourceSpans, 2).SelectMany(scope => Messages(scope, 2)))
            {
                // Span.trace_id = 1, .name = 5, .attributes = 9
                var fields = Fields(span);
                yield return new ExportedSpan(
                    service,
                    Convert.ToHexStringLower(fields.First(f => f.Number == 1).Bytes.Span),
                    Encoding.UTF8.GetString(fields.First(f => f.Number == 5).Bytes.Span),
                    Attributes(fields, 9));
            }
        }
    }

    public static IEnumerable<ExportedLog> ReadLogs(byte[] exportLogsServiceRequest)
    {
        // ExportLogsServiceRequest.resource_logs = 1; ResourceLogs.resource = 1, .scope_logs = 2; ScopeLogs.log_records = 2
        foreach (var resourceLogs in Messages(exportLogsServiceRequest, 1))
        {
            var service = ServiceName(resourceLogs);
            foreach (var fields in Messages(resourceLogs, 2).SelectMany(scope => Messages(scope, 2)).Select(Fields))
            {
                // LogRecord.body = 5 (an AnyValue: string_value = 1), .attributes = 6, .trace_id = 9
                var body = fields.Where(f => f.Number == 5).SelectMany(f => Fields(f.Bytes)).FirstOrDefault(f => f.Number == 1);
                var traceId = fields.FirstOrDefault(f => f.Number == 9);
                yield return new ExportedLog(
                    service,
                    traceId is null ? "" : Convert.ToHexStringLower(traceId.Bytes.Span),
                    body is null ? "" : Encoding.UTF8.GetString(body.Bytes.Span),
                    Attributes(fields, 6));
            }
        }
    }

    public static IEnumerable<ExportedPoint> ReadPoints(byte[] exportMetricsServiceRequest, string metric)
    {
        // ExportMetricsServiceRequest.resource_metrics = 1; ResourceMetrics.resource = 1, .scope_metrics = 2; ScopeMetrics.metrics = 2
        foreach (var resourceMetrics in Messages(exportMetricsServiceRequest, 1))
        {
            var service = ServiceName(resourceMetrics);
            foreach (var fields in Messages(resourceMetrics, 2).SelectMany(scope => Messages(scope, 2)).Select(Fields))
            {
                // Metric.name = 1, .sum = 7, .histogram = 9; each holds data_points = 1
                if (Encoding.UTF8.GetString(fields.First(f => f.Number == 1).Bytes.Span) != metric)
                {
                    continue;
                }

                foreach (var sum in fields.Where(f => f.Number == 7))
                {
                    foreach (var point in Messages(sum.Bytes, 1).Select(Fields))
                    {
                        // NumberDataPoint.start_time_unix_nano = 2, .time_unix_nano = 3, .as_double = 4, .as_int = 6, .attributes = 7
                        var value = point.FirstOrDefault(f => f.Number == 6) is { } asInt
                            ? (long)asInt.Value
                            : BitConverter.UInt64BitsToDouble(Fixed(point, 4));
                        yield return new ExportedPoint(service, Attributes(point, 7), Fixed(point, 2), Fixed(point, 3), value, value);
                    }
                }

                foreach (var histogram in fields.Where(f => f.Number == 9))
                {
                    foreach (var point in Messages(histogram.Bytes, 1).Select(Fields))
                    {
                        // HistogramDataPoint.start_time_unix_nano = 2, .time_unix_nano = 3, .count = 4, .sum = 5, .attributes = 9
                        yield return new ExportedPoint(service, Attributes(point, 9), Fixed(point, 2), Fixed(point, 3),
                            Fixed(point, 4), BitConverter.UInt64BitsToDouble(Fixed(point, 5)));
                    }
                }
            }
        }
    }

    /// <summary>Resource.attributes = 1; the exporter names the service in <c>service.name</c>.</summary>
    private static string ServiceName(ReadOnlyMemory<byte> resourceSignal) =>
        Messages(resourceSignal, 1).Select(resource => Attributes(Fields(resource), 1)).FirstOrDefault()?
            .GetValueOrDefault("service.name") as string ?? "";

    /// <summary>KeyValue.key = 1, .value = 2; AnyValue.string_value = 1, .bool_value = 2, .int_value = 3, .double_value = 4.</summary>
    private static Dictionary<string, object> Attributes(List<Field> message, int number)
    {
        var attributes = new Dictionary<string, object>();
        foreach (var keyValue in message.Where(f => f.Number == number).Select(f => Fields(f.Bytes)))
        {
            var key = Encoding.UTF8.GetString(keyValue.First(f => f.Number == 1).Bytes.Span);
            var value = keyValue.Where(f => f.Number == 2).Select(f => Fields(f.Bytes)).SingleOrDefault()?.FirstOrDefault();
            attributes[key] = value switch
            {
                { Number: 1 } s => Encoding.UTF8.GetString(s.Bytes.Span),
                { Number: 2 } b => b.Value != 0,
                { Number: 3 } i => (long)i.Value,
                { Number: 4 } d => BitConverter.UInt64BitsToDouble(d.Value),
                _ => "",
            };
        }

        return attributes;
    }

    private static ulong Fixed(List<Field> message, int number) => message.FirstOrDefault(f => f.Number == number)?.Value ?? 0;

    private static IEnumerable<ReadOnlyMemory<byte>> Messages(ReadOnlyMemory<byte> message, int number) =>
        Fields(message).Where(f => f.Number == number).Select(f => f.Bytes);

    /// <summary>A message's fields in order: varints and fixed-width values in <see cref="Field.Value"/>, length-delimited ones in <see cref="Field.Bytes"/>.</summary>
    private static List<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var fields = new List<Field>();
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            var key = Varint(span, ref position);
            var number = (int)(key >> 3);
            switch (key & 7)
            {
                case 0:
                    fields.Add(new Field(number, Varint(span, ref position), ReadOnlyMemory<byte>.Empty));
                    break;
                case 1:
                    fields.Add(new Field(number, BinaryPrimitives.ReadUInt64LittleEndian(span[position..]), ReadOnlyMemory<byte>.Empty));
                    position += 8;
                    break;
                case 2:
                    var length = (int)Varint(span, ref position);
                    fields.Add(new Field(number, 0, message.Slice(position, length)));
                    position += length;
                    break;
                case 5:
                    fields.Add(new Field(number, BinaryPrimitives.ReadUInt32LittleEndian(span[position..]), ReadOnlyMemory<byte>.Empty));
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"protobuf wire type {key & 7} is not one OTLP uses");
            }
        }

        return fields;
    }

    private static ulong Varint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private sealed record Field(int Number, ulong Value, ReadOnlyMemory<byte> Bytes);
}
