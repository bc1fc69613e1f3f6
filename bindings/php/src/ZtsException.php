<?php

declare(strict_types=1);

namespace Zts;

/**
 * A zts call returned a status other than Status::OK.
 *
 * getStatus() (also getCode()) is the number, compare it with the Status constants; getStatusName()
 * its name ("ZTS_NOT_FOUND"); getZtsMessage() what zts said was wrong, exactly as zts wrote it.
 * getMessage() is "ZTS_NOT_FOUND: <zts message>". zts never puts a secret in its messages.
 */
final class ZtsException extends \RuntimeException
{
    private int $status;
    private string $statusName;
    private string $ztsMessage;

    public function __construct(int $status, string $message)
    {
        $this->status = $status;
        $this->statusName = Store::statusName($status);
        $this->ztsMessage = $message;
        parent::__construct($this->statusName . ': ' . $message, $status);
    }

    public function getStatus(): int
    {
        return $this->status;
    }

    public function getStatusName(): string
    {
        return $this->statusName;
    }

    public function getZtsMessage(): string
    {
        return $this->ztsMessage;
    }
}
