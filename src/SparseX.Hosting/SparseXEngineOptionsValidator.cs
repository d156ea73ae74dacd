using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SparseX.Hosting;

/// <summary>
/// Checks <see cref="SparseXEngineOptions"/> when the host starts and reports every problem at once,
/// each message naming the setting, the value and what would be accepted.
/// </summary>
internal sealed partial class SparseXEngineOptionsValidator : IValidateOptions<SparseXEngineOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SparseXEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        const string Prefix = nameof(SparseXEngineOptions) + ".";

        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            failures.Add($"{Prefix}{nameof(options.ModelPath)} is required: set it (configuration key '{SparseXEngineOptions.SectionName}:{nameof(options.ModelPath)}') to a Hugging Face checkpoint directory with config.json, *.safetensors and tokenizer.json.");
        }
        else if (!Directory.Exists(options.ModelPath))
        {
            failures.Add($"{Prefix}{nameof(options.ModelPath)} '{options.ModelPath}' does not exist or is not a directory.");
        }
        else if (!File.Exists(Path.Combine(options.ModelPath, "config.json")))
        {
            failures.Add($"{Prefix}{nameof(options.ModelPath)} '{options.ModelPath}' has no config.json; it must be a Hugging Face checkpoint directory.");
        }

        if (options.Device is null || !DevicePattern().IsMatch(options.Device.Trim()))
        {
            failures.Add($"{Prefix}{nameof(options.Device)} '{options.Device}' is not supported: use cpu, cuda or cuda:N.");
        }

        if (!string.IsNullOrWhiteSpace(options.Dtype) && options.Dtype.Trim() is not ("float32" or "bfloat16" or "float16"))
        {
            failures.Add($"{Prefix}{nameof(options.Dtype)} '{options.Dtype}' is not supported: use float32, bfloat16 or float16, or leave it empty for the device default.");
        }

        if (options.KvCacheBytes <= 0)
        {
            failures.Add($"{Prefix}{nameof(options.KvCacheBytes)} must be positive (got {options.KvCacheBytes}).");
        }

        if (options.SegmentStoreBytes < 0)
        {
            failures.Add($"{Prefix}{nameof(options.SegmentStoreBytes)} must be zero or positive (got {options.SegmentStoreBytes}).");
        }

        if (options.BlockSize is < 1 or > 1024)
        {
            failures.Add($"{Prefix}{nameof(options.BlockSize)} must be in [1, 1024] (got {options.BlockSize}).");
        }

        if (options.MaxQueuedRequests < 1)
        {
            failures.Add($"{Prefix}{nameof(options.MaxQueuedRequests)} must be at least 1 (got {options.MaxQueuedRequests}).");
        }

        if (options.ShutdownTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{Prefix}{nameof(options.ShutdownTimeout)} must be positive (got {options.ShutdownTimeout}).");
        }

        if (options.CpuThreads is < 1)
        {
            failures.Add($"{Prefix}{nameof(options.CpuThreads)} must be at least 1, or unset for libtorch's default (got {options.CpuThreads}).");
        }

        if (!string.IsNullOrWhiteSpace(options.LibTorchDirectory) && !Directory.Exists(options.LibTorchDirectory))
        {
            failures.Add($"{Prefix}{nameof(options.LibTorchDirectory)} '{options.LibTorchDirectory}' does not exist.");
        }

        ValidateReuse(options.DefaultReuse, Prefix + nameof(options.DefaultReuse) + ".", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateReuse(SparseXReuseOptions reuse, string prefix, List<string> failures)
    {
        if (!Enum.IsDefined(reuse.Mode))
        {
            failures.Add($"{prefix}{nameof(reuse.Mode)} {(int)reuse.Mode} is not a reuse mode: use {string.Join(", ", Enum.GetNames<SparseX.Engine.Reuse.ReuseMode>())}.");
        }

        if (!Enum.IsDefined(reuse.Selector))
        {
            failures.Add($"{prefix}{nameof(reuse.Selector)} {(int)reuse.Selector} is not a selector: use {string.Join(", ", Enum.GetNames<SparseX.Engine.Reuse.SelectorKind>())}.");
        }

        if (double.IsNaN(reuse.Budget) || reuse.Budget is < 0 or > 1)
        {
            failures.Add($"{prefix}{nameof(reuse.Budget)} must be in [0, 1] (got {reuse.Budget}).");
        }

        if (reuse.FullLayers < 1)
        {
            failures.Add($"{prefix}{nameof(reuse.FullLayers)} must be at least 1 (got {reuse.FullLayers}).");
        }

        if (reuse.BoundaryTokens < 0)
        {
            failures.Add($"{prefix}{nameof(reuse.BoundaryTokens)} must be zero or positive (got {reuse.BoundaryTokens}).");
        }

        int lastFullLayer = Math.Max(reuse.FullLayers, 1) - 1;
        if (reuse.SelectionLayer < lastFullLayer)
        {
            failures.Add($"{prefix}{nameof(reuse.SelectionLayer)} must be at least F − 1 = {lastFullLayer}, or unset (got {reuse.SelectionLayer}).");
        }

        if (string.IsNullOrEmpty(reuse.Namespace))
        {
            failures.Add($"{prefix}{nameof(reuse.Namespace)} must not be empty.");
        }
    }

    [GeneratedRegex("^(cpu|cuda(:[0-9]+)?)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DevicePattern();
}
