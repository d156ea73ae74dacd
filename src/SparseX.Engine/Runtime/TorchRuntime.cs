using System.Reflection;
using System.Runtime.InteropServices;
using TorchSharp;

namespace SparseX.Engine.Runtime;

/// <summary>
/// Brings up TorchSharp's native libraries once per process. By default the libtorch that ships with the
/// <c>TorchSharp-cpu</c> package is used. Setting <see cref="LibTorchDirectoryVariable"/> (or calling
/// <see cref="Initialize(string?)"/> with a directory) loads another libtorch first, e.g. a PyTorch
/// install's <c>torch/lib</c> with CUDA, which is how the engine runs on GPU machines without the
/// <c>TorchSharp-cuda-linux</c> package (DESIGN §8).
/// </summary>
public static class TorchRuntime
{
    /// <summary>Environment variable naming a libtorch directory to load before TorchSharp initialises.</summary>
    public const string LibTorchDirectoryVariable = "SPARSEX_LIBTORCH";

    /// <summary>Environment variable naming the GPU for benchmark records (the GPU scripts set it from nvidia-smi).</summary>
    public const string DeviceNameVariable = "SPARSEX_DEVICE_NAME";

    /// <summary>Gets the GPU's name from <see cref="DeviceNameVariable"/>; null when it is unset or blank.</summary>
    public static string? DeviceName => Environment.GetEnvironmentVariable(DeviceNameVariable) is { } name && !string.IsNullOrWhiteSpace(name) ? name : null;

    private static readonly object Gate = new();
    private static string? _loadedFrom;
    private static bool _initialized;

    /// <summary>Gets whether a CUDA device is usable.</summary>
    public static bool CudaAvailable
    {
        get
        {
            Initialize();
            return torch.cuda.is_available();
        }
    }

    /// <summary>
    /// Initialises TorchSharp. Idempotent; the first call decides which libtorch is used.
    /// </summary>
    /// <param name="libTorchDirectory">A directory holding libtorch's shared libraries, or null to use
    /// <see cref="LibTorchDirectoryVariable"/> or the packaged CPU libtorch.</param>
    /// <exception cref="DirectoryNotFoundException">The named directory does not exist.</exception>
    /// <exception cref="InvalidOperationException">A different libtorch was already loaded.</exception>
    public static void Initialize(string? libTorchDirectory = null)
    {
        libTorchDirectory ??= Environment.GetEnvironmentVariable(LibTorchDirectoryVariable);
        if (string.IsNullOrWhiteSpace(libTorchDirectory))
        {
            libTorchDirectory = null;
        }

        lock (Gate)
        {
            if (_initialized)
            {
                if (libTorchDirectory is not null && !string.Equals(Path.GetFullPath(libTorchDirectory), _loadedFrom, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException(
                        $"TorchSharp is already initialised from '{_loadedFrom ?? "the packaged libtorch"}'; cannot switch to '{libTorchDirectory}' in the same process.");
                }

                return;
            }

            if (libTorchDirectory is not null)
            {
                LoadExternalLibTorch(Path.GetFullPath(libTorchDirectory));
                _loadedFrom = Path.GetFullPath(libTorchDirectory);
                torch.InitializeDeviceType(DeviceType.CPU);
                if (torch.cuda.is_available())
                {
                    torch.InitializeDeviceType(DeviceType.CUDA);
                }
            }
            else
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }

            _initialized = true;
        }
    }

    /// <summary>Waits for queued work on a CUDA device (a no-op on the CPU), so wall-clock times are real.</summary>
    /// <param name="device">The device.</param>
    public static void Synchronize(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize(device);
        }
    }

    /// <summary>Parses a device string such as <c>cpu</c>, <c>cuda</c> or <c>cuda:1</c>.</summary>
    /// <param name="device">The device name.</param>
    /// <returns>The TorchSharp device.</returns>
    /// <exception cref="ArgumentException">The name is not a known device, or CUDA is not available.</exception>
    public static torch.Device ParseDevice(string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        Initialize();
        string d = device.Trim().ToLowerInvariant();
        if (d == "cpu")
        {
            return torch.CPU;
        }

        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!torch.cuda.is_available())
            {
                throw new ArgumentException(
                    $"Device '{device}' requested but CUDA is not available. Point {LibTorchDirectoryVariable} at a CUDA libtorch (e.g. a PyTorch install's torch/lib) or reference TorchSharp-cuda-linux.",
                    nameof(device));
            }

            return new torch.Device(d);
        }

        throw new ArgumentException($"Unknown device '{device}'. Supported: cpu, cuda, cuda:N.", nameof(device));
    }

    private static void LoadExternalLibTorch(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{LibTorchDirectoryVariable}: libtorch directory '{directory}' does not exist.");
        }

        // Order matters: each library's dependencies must already be resident.
        string[] libraries = { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so" };
        foreach (string name in libraries)
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                NativeLibrary.Load(path);
            }
            else if (name is "libc10.so" or "libtorch_cpu.so" or "libtorch.so")
            {
                throw new FileNotFoundException($"{LibTorchDirectoryVariable}: '{directory}' has no {name}; is it a libtorch lib directory?", path);
            }
        }

        // TorchSharp resolves libLibTorchSharp.so through the app's deps; with libtorch already resident
        // its NEEDED entries bind to the libraries loaded above.
        NativeLibrary.Load("libLibTorchSharp.so", typeof(torch).Assembly, DllImportSearchPath.AssemblyDirectory | DllImportSearchPath.ApplicationDirectory);
        _ = Assembly.GetExecutingAssembly();
    }
}
