using System;
using System.Globalization;

namespace Hazy
{
    /// <summary>A snapshot of a job on the Hub, copied out of libhazy's hazy_job_t: it does not change as the job runs.</summary>
    public sealed class Job
    {
        /// <summary>The job's id.</summary>
        public string Id { get; private set; }
        /// <summary>The job's project.</summary>
        public string ProjectId { get; private set; }
        /// <summary>"train" or "generate" ("other" for a kind this version does not know).</summary>
        public string Kind { get; private set; }
        /// <summary>The state as libhazy understands it.</summary>
        public JobState State { get; private set; }
        /// <summary>The state exactly as the Hub sent it.</summary>
        public string RawState { get; private set; }
        /// <summary>From 0.0 to 1.0.</summary>
        public double Progress { get; private set; }
        /// <summary>A succeeded train job's model; a generation job's source model; else null.</summary>
        public string ModelId { get; private set; }
        /// <summary>A failed job's reason from the Hub; else null.</summary>
        public string FailureReason { get; private set; }
        /// <summary>Where a generation job writes its rows; else null.</summary>
        public string OutputLocation { get; private set; }

        /// <summary>Succeeded, failed or cancelled.</summary>
        public bool IsFinished
        {
            get { return State == JobState.Succeeded || State == JobState.Failed || State == JobState.Cancelled; }
        }

        private Job() { }

        /// <summary>A copy of the job at <paramref name="p"/>, borrowed for the call (a list's element or a progress callback's argument).</summary>
        internal static Job Read(IntPtr p)
        {
            return new Job
            {
                Id = Utf8.Decode(Native.hazy_job_id(p)),
                ProjectId = Utf8.Decode(Native.hazy_job_project_id(p)),
                Kind = Utf8.Decode(Native.hazy_job_kind(p)),
                State = (JobState)Native.hazy_job_state(p),
                RawState = Utf8.Decode(Native.hazy_job_raw_state(p)),
                Progress = Native.hazy_job_progress(p),
                ModelId = Utf8.Decode(Native.hazy_job_model_id(p)),
                FailureReason = Utf8.Decode(Native.hazy_job_failure_reason(p)),
                OutputLocation = Utf8.Decode(Native.hazy_job_output_location(p)),
            };
        }

        /// <summary>A copy of an owned job, which is then freed (or null when the call wrote none). The caller counted it in HandleStats.</summary>
        internal static Job Take(JobHandle h)
        {
            using (h)
            {
                if (h.IsInvalid)
                {
                    return null;
                }
                bool added = false;
                h.DangerousAddRef(ref added);
                try
                {
                    return Read(h.DangerousGetHandle());
                }
                finally
                {
                    if (added)
                    {
                        h.DangerousRelease();
                    }
                }
            }
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return string.Format(CultureInfo.InvariantCulture, "Job({0}, {1}, {2}, {3:0.###}{4})", Id, Kind, RawState, Progress,
                ModelId == null ? "" : ", model " + ModelId);
        }
    }

    /// <summary>A trained model.</summary>
    public sealed class Model
    {
        /// <summary>The model's id.</summary>
        public string Id { get; private set; }
        /// <summary>The model's project.</summary>
        public string ProjectId { get; private set; }
        /// <summary>The train job that produced it; null if unknown.</summary>
        public string TrainJobId { get; private set; }
        /// <summary>e.g. "priv_bayes"; null if unknown.</summary>
        public string GeneratorType { get; private set; }
        /// <summary>The privacy parameter epsilon; null if unknown.</summary>
        public double? Epsilon { get; private set; }

        private Model() { }

        internal static Model Read(IntPtr p)
        {
            double eps = Native.hazy_model_epsilon(p);
            return new Model
            {
                Id = Utf8.Decode(Native.hazy_model_id(p)),
                ProjectId = Utf8.Decode(Native.hazy_model_project_id(p)),
                TrainJobId = Utf8.Decode(Native.hazy_model_train_job_id(p)),
                GeneratorType = Utf8.Decode(Native.hazy_model_generator_type(p)),
                Epsilon = eps < 0 ? (double?)null : eps,
            };
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return "Model(" + Id + ", " + GeneratorType + ")";
        }
    }

    /// <summary>What a wait reports after every poll, through IProgress&lt;JobProgress&gt;.</summary>
    public sealed class JobProgress
    {
        /// <summary>The snapshot the poll returned.</summary>
        public Job Job { get; private set; }

        /// <summary>Job.State.</summary>
        public JobState State
        {
            get { return Job.State; }
        }

        /// <summary>Job.Progress, from 0.0 to 1.0.</summary>
        public double Fraction
        {
            get { return Job.Progress; }
        }

        internal JobProgress(Job job)
        {
            Job = job;
        }

        /// <inheritdoc/>
        public override string ToString()
        {
            return Job.ToString();
        }
    }
}
