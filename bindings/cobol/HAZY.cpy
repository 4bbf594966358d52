      *================================================================*
      * HAZY.cpy: libhazy for COBOL (docs/cobol.md).                   *
      *                                                                *
      * COPY HAZY in WORKING-STORAGE. It declares what a program needs *
      * to call the C API of include/hazy.h:                           *
      *  - HAZY-STATUS, the result of every fallible call (RETURNING), *
      *    and HAZY-STATE, a job's state, with a level-88 condition    *
      *    per value of hazy_status and hazy_state. The values are     *
      *    hazy.h's: bindings/cobol/tests/check_tables.py fails when   *
      *    they drift.                                                 *
      *  - The handles (USAGE POINTER), NULL until set. Each is freed  *
      *    with its own function, which accepts NULL: hazy_free,       *
      *    hazy_job_free, hazy_error_free, hazy_options_free,          *
      *    hazy_cancel_token_free; strings returned through char **    *
      *    with hazy_string_free. SET the handle TO NULL after.        *
      *  - HAZY-NULL, to pass BY VALUE where the C API takes NULL (a   *
      *    figurative NULL BY VALUE is 32 bits wide in GnuCOBOL).      *
      *  - HAZY-TIMEOUT-MS, hazy_job_wait's uint64_t: pass it          *
      *    BY VALUE SIZE 8 (GnuCOBOL passes BY VALUE binary items as   *
      *    32-bit integers otherwise).                                 *
      *  - HAZY-TEXT-PTR, for a `const char *` result, and the fields  *
      *    of the string helpers HAZYTOC and HAZYFRC (docs/cobol.md,   *
      *    "Strings").                                                 *
      *                                                                *
      * Several of a kind (two jobs, two statuses):                    *
      *     COPY HAZY REPLACING LEADING ==HAZY-== BY ==OTHER-==.       *
      *================================================================*
       01  HAZY-STATUS                 PIC S9(9) COMP-5 VALUE 0.
           88  HAZY-STATUS-OK                    VALUE 0.
           88  HAZY-STATUS-INVALID-ARGUMENT      VALUE 1.
           88  HAZY-STATUS-AUTH                  VALUE 2.
           88  HAZY-STATUS-FORBIDDEN             VALUE 3.
           88  HAZY-STATUS-NOT-FOUND             VALUE 4.
           88  HAZY-STATUS-VALIDATION            VALUE 5.
           88  HAZY-STATUS-NETWORK               VALUE 6.
           88  HAZY-STATUS-TIMEOUT               VALUE 7.
           88  HAZY-STATUS-TLS                   VALUE 8.
           88  HAZY-STATUS-SERVER                VALUE 9.
           88  HAZY-STATUS-PROTOCOL              VALUE 10.
           88  HAZY-STATUS-CANCELLED             VALUE 11.
           88  HAZY-STATUS-JOB-FAILED            VALUE 12.
           88  HAZY-STATUS-PANIC                 VALUE 13.
           88  HAZY-STATUS-INVALID-STATE         VALUE 14.
           88  HAZY-STATUS-CLOSED                VALUE 15.
           88  HAZY-STATUS-PROXY-AUTH            VALUE 16.
      *    Worth retrying as it is (the CLI's exit code 7, "retryable").
           88  HAZY-STATUS-RETRYABLE             VALUE 6 7.

       01  HAZY-STATE                  PIC S9(9) COMP-5 VALUE 0.
           88  HAZY-STATE-UNKNOWN                VALUE 0.
           88  HAZY-STATE-QUEUED                 VALUE 1.
           88  HAZY-STATE-RUNNING                VALUE 2.
           88  HAZY-STATE-SUCCEEDED              VALUE 3.
           88  HAZY-STATE-FAILED                 VALUE 4.
           88  HAZY-STATE-CANCELLED              VALUE 5.
      *    The job has ended; hazy_job_wait returns.
           88  HAZY-STATE-FINISHED               VALUE 3 4 5.

      * Handles: opaque pointers owned by the program until freed.
       01  HAZY-OPTIONS                USAGE POINTER VALUE NULL.
       01  HAZY-CLIENT                 USAGE POINTER VALUE NULL.
       01  HAZY-JOB                    USAGE POINTER VALUE NULL.
       01  HAZY-ERROR                  USAGE POINTER VALUE NULL.
       01  HAZY-CANCEL                 USAGE POINTER VALUE NULL.
      * Never set: BY VALUE HAZY-NULL is C's NULL.
       01  HAZY-NULL                   USAGE POINTER VALUE NULL.

      * hazy_job_wait's timeout, in milliseconds (0: no limit).
       01  HAZY-TIMEOUT-MS             PIC 9(18) COMP-5 VALUE 0.
      * hazy_job_wait's progress callback: SET it TO ENTRY "PROGNAME"
      * and pass it BY VALUE (or pass HAZY-NULL). The program receives
      * the job and the userdata BY REFERENCE (items at those
      * addresses), makes CALL "HAZYCBRT" its last CALL, and returns
      * 0 in RETURN-CODE to keep waiting (examples/cobol/TRAIN.cbl).
       01  HAZY-PROGRESS-FN            USAGE PROCEDURE-POINTER
                                       VALUE NULL.

      * A borrowed `const char *` result (hazy_error_message,
      * hazy_job_id, ...): copy it with HAZYFRC before freeing the
      * object it came from.
       01  HAZY-TEXT-PTR               USAGE POINTER VALUE NULL.
      * HAZYFRC: the length of the C string, in bytes.
       01  HAZY-TEXT-LENGTH            PIC S9(9) COMP-5 VALUE 0.
      * hazy_error_http_status (uint16_t; 0 when no HTTP answer).
       01  HAZY-HTTP-STATUS            PIC S9(9) COMP-5 VALUE 0.
      * HAZYEXIT: the `hazy` command's exit code for HAZY-STATUS.
       01  HAZY-EXIT-CODE              PIC S9(4) COMP-5 VALUE 0.
