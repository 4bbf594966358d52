package com.hazy;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * One client authenticated as `api`, shared by the tests of a class (they run one class at a
 * time): a new client per test would only add token requests.
 */
abstract class SharedClientTest {
    static HazyClient client;

    @BeforeAll
    static void connect() {
        client = TestSupport.client();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }
}
