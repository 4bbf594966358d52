package com.hazy;

import com.sun.jna.Pointer;

import java.util.OptionalDouble;

/** A trained model on the Hub. Immutable. */
public final class Model {
    private final String id;
    private final String projectId;
    private final String trainJobId;
    private final String generatorType;
    private final double epsilon;

    private Model(HazyNative lib, Pointer model) {
        this.id = lib.hazy_model_id(model);
        this.projectId = lib.hazy_model_project_id(model);
        this.trainJobId = lib.hazy_model_train_job_id(model);
        this.generatorType = lib.hazy_model_generator_type(model);
        this.epsilon = lib.hazy_model_epsilon(model);
    }

    /** Copies a native {@code hazy_model_t} (borrowed). */
    static Model fromNative(HazyNative lib, Pointer model) {
        return new Model(lib, model);
    }

    /** The model's id. */
    public String id() {
        return id;
    }

    /** The model's project id. */
    public String projectId() {
        return projectId;
    }

    /** The id of the train job that produced the model; null if unknown. */
    public String trainJobId() {
        return trainJobId;
    }

    /** The generator type, e.g. "priv_bayes"; null if unknown. */
    public String generatorType() {
        return generatorType;
    }

    /** The privacy parameter epsilon, if known. */
    public OptionalDouble epsilon() {
        return epsilon < 0 ? OptionalDouble.empty() : OptionalDouble.of(epsilon);
    }

    @Override
    public String toString() {
        return "Model[" + id + ", project=" + projectId + ", trainJob=" + trainJobId + ", generator=" + generatorType
                + (epsilon < 0 ? "" : ", epsilon=" + epsilon) + "]";
    }
}
