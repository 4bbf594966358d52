/*
 * Authenticate against Keycloak with client credentials, train a model on the Hub and follow
 * the job to completion: the Java equivalent of examples/c/train.c (and of the seed
 * tutorial's `SynthAPI(host, api_key).train(cfg, project_id)`).
 *
 * Settings come from the environment: HAZY_HUB_HOST, HAZY_CLIENT_ID, HAZY_CLIENT_SECRET (and
 * optionally HAZY_REALM, HAZY_AUTH_URL, HAZY_TOKEN_URL, HAZY_CA_BUNDLE, ...).
 *
 * usage: java com.hazy.examples.Train [PROJECT_ID [CONFIG_JSON_FILE]]
 */
package com.hazy.examples;

import com.hazy.Credentials;
import com.hazy.Hazy;
import com.hazy.HazyClient;
import com.hazy.HazyException;
import com.hazy.Job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Locale;

public final class Train {
    private Train() {
    }

    public static void main(String[] args) {
        String projectId = args.length > 0 ? args[0] : "demo-project";
        String configPath = args.length > 1 ? args[1] : "examples/training-config.json";

        System.out.println("libhazy " + Hazy.libraryVersion());
        String config;
        try {
            config = new String(Files.readAllBytes(Paths.get(configPath)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.err.println("error: cannot read training config '" + configPath + "': " + e.getMessage());
            System.exit(1);
            return;
        }

        // Host, realm, token URL, CA bundle, timeouts: all from the HAZY_* environment.
        try (HazyClient client = HazyClient.fromEnvironment()) {
            client.authenticate(Credentials.clientCredentials(System.getenv("HAZY_CLIENT_ID"),
                    System.getenv("HAZY_CLIENT_SECRET")));
            System.out.println("authenticated with Keycloak");

            Job job = client.train(projectId, config);
            System.out.println("submitted training job " + job.id() + " to project " + projectId);

            // No timeout: a training job takes as long as it takes. Tokens renew underneath.
            // One line per change of state or percent keeps logs readable when not on a terminal
            // (a job can reach 100% before it succeeds, so the state counts on its own).
            final String[] lastLine = {""};
            Job done = job.await(null, snapshot -> {
                String line = String.format("  %-9s %3d%%", snapshot.state().name().toLowerCase(Locale.ROOT),
                        Math.round(snapshot.progress() * 100));
                if (!line.equals(lastLine[0])) {
                    System.out.println(line);
                    lastLine[0] = line;
                }
            });
            System.out.println("training succeeded: model id " + done.modelId());
        } catch (HazyException e) {
            // status() tells AUTH, FORBIDDEN, VALIDATION, NETWORK, JOB_FAILED, ... apart.
            System.err.println("error: " + e.status() + ": " + e.detail());
            if (e.httpStatus() != 0) {
                System.err.println("       HTTP status " + e.httpStatus()
                        + (e.oauthError() != null ? ", server error code '" + e.oauthError() + "'" : ""));
            }
            if (e.field() != null) {
                System.err.println("       field or scope: " + e.field());
            }
            System.exit(1);
        }
    }
}
