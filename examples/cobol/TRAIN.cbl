      *================================================================*
      * TRAIN: a COBOL batch step that trains a model on Hazy's Hub    *
      * through libhazy, as examples/c/train.c does from C.            *
      *                                                                *
      *   train [PROJECT-ID [CONFIG-FILE]]                             *
      *     PROJECT-ID   default demo-project                          *
      *     CONFIG-FILE  the training config, JSON in UTF-8 (default   *
      *                  examples/training-config.json)                *
      *                                                                *
      * Settings come from the environment, as for every libhazy       *
      * program: HAZY_HUB_HOST, HAZY_CLIENT_ID, and HAZY_CLIENT_SECRET *
      * or HAZY_CLIENT_SECRET_FILE (also HAZY_TOKEN_URL, HAZY_REALM,   *
      * HAZY_CA_BUNDLE, HAZY_POLL_INTERVAL_MS, ...: README).           *
      *                                                                *
      * It authenticates with client credentials, submits the job,     *
      * waits for it with hazy_job_wait, printing a line per state     *
      * from a COBOL progress callback (TRAINPRG, below), and ends     *
      * with the exit code the `hazy` command would give (HAZYEXIT):   *
      * 0 trained, 2 usage, 3 auth, 4 forbidden, 5 not found,          *
      * 6 validation, 7 retryable, 8 server, 9 job failed,             *
      * 10 cancelled, 12 TLS, 1 anything else.                         *
      *                                                                *
      * Build (docs/cobol.md):                                         *
      *   cobc -x -fstatic-call -I bindings/cobol -o train             *
      *        examples/cobol/TRAIN.cbl bindings/cobol/HAZYLIB.cbl     *
      *        -Q "$(pkg-config --libs hazy)"                          *
      *================================================================*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. TRAIN.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       COPY HAZY.
       01  WS-ARG-COUNT                PIC 9(4) VALUE 0.
       01  WS-PROJECT                  PIC X(256) VALUE "demo-project".
       01  WS-PROJECT-Z                PIC X(257).
       01  WS-CONFIG-PATH              PIC X(4096)
                                 VALUE "examples/training-config.json".
      * The config as read, NUL-terminated by HAZYLOAD (at most 1 MiB).
       01  WS-CONFIG                   PIC X(1048577).
       01  WS-CONFIG-LEN               PIC S9(9) COMP-5 VALUE 0.
       01  WS-JOB-ID-Z                 PIC X(257).
       01  WS-DONE-JOB                 USAGE POINTER VALUE NULL.
      * hazy_job_wait's userdata: what TRAINPRG last printed.
       01  WS-PROGRESS.
           05  WS-LAST-STATE           PIC S9(9) COMP-5 VALUE -1.
           05  WS-LAST-RAW             PIC X(64) VALUE SPACES.
       01  WS-PROGRESS-PTR             USAGE POINTER VALUE NULL.
       01  WS-TEXT                     PIC X(1024).
       01  WS-WHAT                     PIC X(40).
       01  WS-STATUS-NAME              PIC X(32).
       01  WS-NUMBER                   PIC Z(8)9.

       PROCEDURE DIVISION.
       MAIN-LINE.
           ACCEPT WS-ARG-COUNT FROM ARGUMENT-NUMBER
           IF WS-ARG-COUNT >= 1
               ACCEPT WS-PROJECT FROM ARGUMENT-VALUE
           END-IF
           IF WS-ARG-COUNT >= 2
               ACCEPT WS-CONFIG-PATH FROM ARGUMENT-VALUE
           END-IF

           CALL "hazy_version" RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           DISPLAY "libhazy " FUNCTION TRIM(WS-TEXT)

      *    The config file as it is, then X"00"; the project id
      *    without its padding, then X"00".
           CALL "HAZYLOAD" USING WS-CONFIG-PATH
                                 BY CONTENT LENGTH OF WS-CONFIG-PATH
                                 BY REFERENCE WS-CONFIG
                                 BY CONTENT LENGTH OF WS-CONFIG
                                 BY REFERENCE WS-CONFIG-LEN
           IF RETURN-CODE NOT = 0
               MOVE RETURN-CODE TO WS-NUMBER
               DISPLAY "error: cannot read training config '"
                       FUNCTION TRIM(WS-CONFIG-PATH) "' (HAZYLOAD "
                       FUNCTION TRIM(WS-NUMBER) ")" UPON SYSERR
               SET HAZY-STATUS-INVALID-ARGUMENT TO TRUE
               PERFORM FINISH
           END-IF
           CALL "HAZYTOC" USING WS-PROJECT
                                BY CONTENT LENGTH OF WS-PROJECT
                                BY REFERENCE WS-PROJECT-Z
                                BY CONTENT LENGTH OF WS-PROJECT-Z
           IF RETURN-CODE NOT = 0
               DISPLAY "error: the project id is not text" UPON SYSERR
               SET HAZY-STATUS-INVALID-ARGUMENT TO TRUE
               PERFORM FINISH
           END-IF

      *    NULL options: everything comes from the HAZY_* environment.
           CALL "hazy_client_new" USING BY VALUE HAZY-NULL
                                        BY REFERENCE HAZY-CLIENT
                                        BY REFERENCE HAZY-ERROR
                                  RETURNING HAZY-STATUS
           IF NOT HAZY-STATUS-OK
               MOVE "creating the client" TO WS-WHAT
               PERFORM FAIL
           END-IF

           CALL "hazy_authenticate" USING BY VALUE HAZY-CLIENT
                                          BY REFERENCE HAZY-ERROR
                                    RETURNING HAZY-STATUS
           IF NOT HAZY-STATUS-OK
               MOVE "authenticating" TO WS-WHAT
               PERFORM FAIL
           END-IF
           DISPLAY "authenticated with Keycloak"

           CALL "hazy_train" USING BY VALUE HAZY-CLIENT
                                   BY REFERENCE WS-PROJECT-Z
                                   BY REFERENCE WS-CONFIG
                                   BY REFERENCE HAZY-JOB
                                   BY REFERENCE HAZY-ERROR
                             RETURNING HAZY-STATUS
           IF NOT HAZY-STATUS-OK
               MOVE "submitting the training job" TO WS-WHAT
               PERFORM FAIL
           END-IF
      *    The id is borrowed from the job: copy it (with its X"00",
      *    for hazy_job_wait) before freeing the job.
           CALL "hazy_job_id" USING BY VALUE HAZY-JOB
                              RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           CALL "HAZYTOC" USING WS-TEXT BY CONTENT LENGTH OF WS-TEXT
                                BY REFERENCE WS-JOB-ID-Z
                                BY CONTENT LENGTH OF WS-JOB-ID-Z
           DISPLAY "submitted training job " FUNCTION TRIM(WS-TEXT)
                   " to project " FUNCTION TRIM(WS-PROJECT)
           CALL "hazy_job_free" USING BY VALUE HAZY-JOB
           SET HAZY-JOB TO NULL

      *    No timeout (HAZY-TIMEOUT-MS 0): a training job takes as long
      *    as it takes; tokens renew underneath. TRAINPRG prints a line
      *    per state.
           SET HAZY-PROGRESS-FN TO ENTRY "TRAINPRG"
           SET WS-PROGRESS-PTR TO ADDRESS OF WS-PROGRESS
           CALL "hazy_job_wait" USING BY VALUE HAZY-CLIENT
                                      BY REFERENCE WS-JOB-ID-Z
                                      BY VALUE SIZE 8 HAZY-TIMEOUT-MS
                                      BY VALUE HAZY-PROGRESS-FN
                                      BY VALUE WS-PROGRESS-PTR
                                      BY VALUE HAZY-NULL
                                      BY REFERENCE WS-DONE-JOB
                                      BY REFERENCE HAZY-ERROR
                                RETURNING HAZY-STATUS
           IF NOT HAZY-STATUS-OK
               MOVE "training" TO WS-WHAT
               PERFORM FAIL
           END-IF
           CALL "hazy_job_model_id" USING BY VALUE WS-DONE-JOB
                                    RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           DISPLAY "training succeeded: model id "
                   FUNCTION TRIM(WS-TEXT)
           PERFORM FINISH.

      * A failed call: its status, message, HTTP status, OAuth error
      * and field (or missing scope) on stderr; the error is freed.
       FAIL.
           CALL "hazy_status_name" USING BY VALUE HAZY-STATUS
                                   RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           MOVE WS-TEXT TO WS-STATUS-NAME
           CALL "hazy_error_message" USING BY VALUE HAZY-ERROR
                                     RETURNING HAZY-TEXT-PTR
           PERFORM COPY-TEXT
           DISPLAY "error: " FUNCTION TRIM(WS-WHAT) " failed: "
                   FUNCTION TRIM(WS-STATUS-NAME) ": "
                   FUNCTION TRIM(WS-TEXT) UPON SYSERR
           CALL "hazy_error_http_status" USING BY VALUE HAZY-ERROR
                                         RETURNING HAZY-HTTP-STATUS
      *    A uint16_t: only the low 16 bits are the value.
           COMPUTE HAZY-HTTP-STATUS =
               FUNCTION MOD(HAZY-HTTP-STATUS, 65536)
           IF HAZY-HTTP-STATUS NOT = 0
               CALL "hazy_error_oauth_error" USING BY VALUE HAZY-ERROR
                                             RETURNING HAZY-TEXT-PTR
               PERFORM COPY-TEXT
               MOVE HAZY-HTTP-STATUS TO WS-NUMBER
               DISPLAY "       HTTP status " FUNCTION TRIM(WS-NUMBER)
                       ", server error code '" FUNCTION TRIM(WS-TEXT)
                       "'" UPON SYSERR
           END-IF
           CALL "hazy_error_field" USING BY VALUE HAZY-ERROR
                                   RETURNING HAZY-TEXT-PTR
           IF HAZY-TEXT-PTR NOT = NULL
               PERFORM COPY-TEXT
               DISPLAY "       field or scope: " FUNCTION TRIM(WS-TEXT)
                       UPON SYSERR
           END-IF
           CALL "hazy_error_free" USING BY VALUE HAZY-ERROR
           SET HAZY-ERROR TO NULL
           PERFORM FINISH.

      * Frees what is left (every free function accepts NULL) and ends
      * with the CLI's exit code for HAZY-STATUS.
       FINISH.
           CALL "hazy_job_free" USING BY VALUE HAZY-JOB
           CALL "hazy_job_free" USING BY VALUE WS-DONE-JOB
           CALL "hazy_free" USING BY VALUE HAZY-CLIENT
           SET HAZY-JOB WS-DONE-JOB HAZY-CLIENT TO NULL
           CALL "HAZYEXIT" USING HAZY-STATUS HAZY-EXIT-CODE
           MOVE HAZY-EXIT-CODE TO RETURN-CODE
           STOP RUN.

      * HAZY-TEXT-PTR (a borrowed C string) into WS-TEXT.
       COPY-TEXT.
           CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-TEXT
                                BY CONTENT LENGTH OF WS-TEXT
                                BY REFERENCE HAZY-TEXT-LENGTH.
       END PROGRAM TRAIN.

      *================================================================*
      * TRAINPRG: hazy_job_wait's progress callback. libhazy calls it  *
      * after every poll, on the thread that waits (the program's      *
      * own), as int32_t TRAINPRG(const hazy_job_t *, void *userdata). *
      * Both are pointers, so the two parameters are received BY       *
      * REFERENCE: LK-JOB-OBJECT lies at the job (borrowed for the     *
      * call; only its address is used) and LK-PROGRESS at userdata,   *
      * WS-PROGRESS of TRAIN. It prints a line when the state changes  *
      * and returns 0 in RETURN-CODE to keep waiting (non-zero stops   *
      * the wait with HAZY-STATUS-CANCELLED).                          *
      *================================================================*
       IDENTIFICATION DIVISION.
       PROGRAM-ID. TRAINPRG.
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       COPY HAZY.
       01  WS-JOB                      USAGE POINTER.
       01  WS-RAW                      PIC X(64).
       01  WS-NAME                     PIC X(64).
       LINKAGE SECTION.
       01  LK-JOB-OBJECT               PIC X.
       01  LK-PROGRESS.
           05  LK-LAST-STATE           PIC S9(9) COMP-5.
           05  LK-LAST-RAW             PIC X(64).
       PROCEDURE DIVISION USING LK-JOB-OBJECT LK-PROGRESS.
           SET WS-JOB TO ADDRESS OF LK-JOB-OBJECT
           CALL "hazy_job_state" USING BY VALUE WS-JOB
                                 RETURNING HAZY-STATE
           CALL "hazy_job_raw_state" USING BY VALUE WS-JOB
                                     RETURNING HAZY-TEXT-PTR
           CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-RAW
                                BY CONTENT LENGTH OF WS-RAW
                                BY REFERENCE HAZY-TEXT-LENGTH
           IF HAZY-STATE NOT = LK-LAST-STATE
              OR WS-RAW NOT = LK-LAST-RAW
      *        A state libhazy does not know is shown in the Hub's
      *        own word.
               IF HAZY-STATE-UNKNOWN
                   MOVE WS-RAW TO WS-NAME
               ELSE
                   CALL "hazy_state_name" USING BY VALUE HAZY-STATE
                                          RETURNING HAZY-TEXT-PTR
                   CALL "HAZYFRC" USING HAZY-TEXT-PTR WS-NAME
                                        BY CONTENT LENGTH OF WS-NAME
                                        BY REFERENCE HAZY-TEXT-LENGTH
               END-IF
               DISPLAY "  " FUNCTION TRIM(WS-NAME)
               MOVE HAZY-STATE TO LK-LAST-STATE
               MOVE WS-RAW TO LK-LAST-RAW
           END-IF
      *    GnuCOBOL gives the next call of TRAINPRG as many parameters
      *    as the last CALL run passed: make it two (HAZYLIB.cbl).
           CALL "HAZYCBRT" USING LK-JOB-OBJECT LK-PROGRESS
           MOVE 0 TO RETURN-CODE
           GOBACK.
       END PROGRAM TRAINPRG.
